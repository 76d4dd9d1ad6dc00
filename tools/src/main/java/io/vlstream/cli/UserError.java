package io.vlstream.cli;

/**
 * A failure the user can fix (a missing file, an unreachable broker, a missing topic): the tools
 * print its message alone, without a stack trace, and exit with status 1.
 */
final class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
