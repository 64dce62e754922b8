package dev.para.cli;

/** The exit codes of every command, by outcome; {@code para --help} lists them. */
public final class ExitCode {

    /** The command did what it was asked; with a session, every instance succeeded. */
    public static final int OK = 0;
    /** The session (or an instance of it) failed, or was cancelled. */
    public static final int FAILED = 1;
    /** The command line, or the request it made, was wrong: nothing was changed. */
    public static final int USAGE = 2;
    /** No token, or the service refused it. */
    public static final int AUTH = 3;
    /** The session, instance or other object does not exist (or is another account's). */
    public static final int NOT_FOUND = 4;
    /** The service failed, was busy, or could not be reached. */
    public static final int SERVER = 5;

    private ExitCode() {}

    /** The exit code of an answer with this HTTP status. */
    static int ofStatus(int status) {
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status == 429 || status >= 500 || status == 0) {
            return SERVER;
        }
        return USAGE;
    }
}
