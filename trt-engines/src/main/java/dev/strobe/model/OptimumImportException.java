package dev.strobe.model;

/**
 * A folder that cannot be imported as an SDXL model, or import options that do not fit it. The
 * message is one sentence that names what is missing or wrong and, where there is one, the option
 * that fixes it.
 */
public final class OptimumImportException extends Exception {
    public OptimumImportException(String message) {
        super(message);
    }

    public OptimumImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
