package org.tubemail.internal.io;

import java.util.regex.Pattern;

/**
 * Masks the secrets a URL can carry, for logs and printed settings: the password of its user
 * information ({@code scheme://user:password@host}) and the values of parameters that name one
 * ({@code password=}, {@code secret=}, {@code token=}, {@code key=} and their kin), as in a JDBC URL
 * {@code jdbc:postgresql://host/db?user=u&password=p}.
 */
public final class UrlSecrets {

    private static final Pattern USER_INFO = Pattern.compile("(//[^/?#@:]*:)[^/?#@]*@");
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)([?&;](?:password|passwd|pwd|secret|token|access_token|api[_-]?key|key|sslpassword)=)[^&;#]*");

    private UrlSecrets() {
    }

    /** {@code url} with each secret replaced by {@code mask}; a URL without secrets unchanged. */
    public static String mask(String url, String mask) {
        String quoted = java.util.regex.Matcher.quoteReplacement(mask);
        String masked = USER_INFO.matcher(url).replaceAll("$1" + quoted + "@");
        return PARAMETER.matcher(masked).replaceAll("$1" + quoted);
    }
}
