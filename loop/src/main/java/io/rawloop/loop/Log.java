package io.rawloop.loop;

/**
 * The loop's logging, which never throws. A log call can fail: out of file descriptors (EMFILE),
 * the JDK's logging opens the time-zone database to format the first record's time, fails, and
 * throws an Error. Called from the loop's own error handling, such a throw would escape and kill
 * the loop thread, taking every connection with it. So a record that cannot be written is dropped;
 * the figures ({@link LoopStats#callbackErrors()}, {@link TcpListener#acceptFailures()}) still count it.
 *
 * <p>Public for code that runs on a loop elsewhere (the server logs its handlers' failures through it).
 */
public final class Log {

    private static final System.Logger LOGGER = System.getLogger("io.rawloop.loop");

    private Log() {
    }

    /**
     * Loads, now, what the failure paths need, and what a shortage of file descriptors would make
     * impossible to load later. The first log record is often an accept failing with EMFILE; then
     * loading a class from a directory (as in {@code mvn test} or an IDE) needs a descriptor, and
     * so does the time-zone database ({@code lib/tzdb.dat}) that the JDK's log formatter opens
     * for the first record's time: once that fails, {@code ZoneInfoFile} stays broken and no
     * record can be formatted for the rest of the process. Likewise {@link IoErrors}, which every
     * close goes through: a close that cannot load it leaves its connection open for good (found
     * by {@code DescriptorExhaustionTest}). {@link EventLoop} calls this when it is loaded.
     */
    static void load() {
        java.util.TimeZone.getDefault();   // reads tzdb.dat once, while a descriptor is to be had
        IoErrors.closeQuietly(null);        // loads and initialises it
    }

    /** Logs a warning to {@code io.rawloop.loop}; never throws. */
    public static void warning(String message) {
        log(System.Logger.Level.WARNING, message, null);
    }

    /** Logs an error with its cause to {@code io.rawloop.loop}; never throws. */
    public static void error(String message, Throwable cause) {
        log(System.Logger.Level.ERROR, message, cause);
    }

    /** Logs at {@code level} to {@code io.rawloop.loop}; {@code cause} may be null; never throws. */
    public static void log(System.Logger.Level level, String message, Throwable cause) {
        log(LOGGER, level, message, cause);
    }

    /** Logs at {@code level} to {@code logger}; {@code cause} may be null; never throws. */
    public static void log(System.Logger logger, System.Logger.Level level, String message, Throwable cause) {
        try {
            if (cause == null) {
                logger.log(level, message);
            } else {
                logger.log(level, message, cause);
            }
        } catch (Throwable loggingFailed) {
            // Nothing sensible is left to do with it: see the class comment.
        }
    }
}
