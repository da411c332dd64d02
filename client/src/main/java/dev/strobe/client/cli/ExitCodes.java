package dev.strobe.client.cli;

import io.grpc.Status;

/** The exit codes of the strobe command-line tools and which failures lead to them. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** The server (or the connection to it) failed the call, or a local file could not be written. */
    public static final int SERVER_ERROR = 1;
    /** The arguments are invalid: a usage error, an unusable option, or INVALID_ARGUMENT from the server. */
    public static final int INVALID_ARGUMENTS = 2;

    private ExitCodes() {}

    /** The exit code for a call that failed with {@code code}. */
    public static int forStatus(Status.Code code) {
        return code == Status.Code.INVALID_ARGUMENT ? INVALID_ARGUMENTS : SERVER_ERROR;
    }
}
