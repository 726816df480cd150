package org.tubemail.auth;

import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.apache.james.jspf.impl.SPF;
import org.tubemail.dns.DnsResolver;
import org.tubemail.mail.Addresses;
import org.tubemail.mail.Authentication;
import org.tubemail.mail.Verdict;

/**
 * SPF (RFC 7208) with Apache jSPF: the {@code MAIL FROM} identity, or the HELO identity when the
 * sender is null (a bounce). Blocks on DNS; run it off any event loop.
 */
final class SpfCheck {
    private final SPF spf;

    /**
     * jSPF's own wiring (as {@code new SPF(dns)} does it) with its synchronous executor: the
     * asynchronous one, jSPF's default, stopped after the SPF-type query and never asked for TXT.
     */
    SpfCheck(DnsResolver dns) {
        JspfDns service = new JspfDns(dns);
        WiringServiceTable wiring = new WiringServiceTable();
        wiring.put(DNSServiceEnabled.class, service);
        MacroExpand macros = new MacroExpand(service);
        wiring.put(MacroExpandEnabled.class, macros);
        this.spf = new SPF(service, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macros,
                new SynchronousSPFExecutor(service));
        wiring.put(SPFCheckEnabled.class, spf);
        spf.setUseBestGuess(false);
    }

    /**
     * @param clientIp the connecting client's address (after PROXY, the real client's)
     * @param helo     the HELO/EHLO name
     * @param mailFrom the envelope sender, {@code ""} for the null sender
     */
    Authentication.Spf check(String clientIp, String helo, String mailFrom) {
        boolean byHelo = mailFrom.isEmpty();
        String domain = byHelo ? helo : Addresses.domain(mailFrom);
        if (domain.isEmpty() || clientIp.isEmpty() || "unknown".equals(clientIp)) {
            return new Authentication.Spf(Verdict.NONE, byHelo, domain);
        }
        SPFResult result = spf.checkSPF(clientIp, mailFrom, helo);
        return new Authentication.Spf(Verdict.of(result.getResult()), byHelo, domain);
    }
}
