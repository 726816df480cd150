package org.tubemail.internal.http;

/** A request the API refuses: answered with {@code status} and a JSON body naming the problem. */
final class HttpError extends RuntimeException {

    private final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
