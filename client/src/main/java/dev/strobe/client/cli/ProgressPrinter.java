package dev.strobe.client.cli;

import java.io.PrintStream;

/**
 * Prints the generate command's progress bar, one update per preview: image, step k/N and the
 * milliseconds since the request was sent. On a terminal the line is redrawn in place with a carriage
 * return; otherwise (a pipe, a log file) every update is its own line. Called on the call's callback
 * thread only.
 */
final class ProgressPrinter {

    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    /** True while a redrawn line is open on the terminal (needs a newline before other output). */
    private boolean lineOpen;

    ProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows that image {@code imageIndex} of {@code imageCount} reached {@code step} of {@code totalSteps}. */
    void step(int imageIndex, int imageCount, int step, int totalSteps, long elapsedMs) {
        String line = render(imageIndex, imageCount, step, totalSteps, elapsedMs);
        if (terminal) {
            out.print("\r" + line);
            lineOpen = true;
            if (step >= totalSteps) {
                finishLine();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends a line being redrawn so that other output starts on a fresh line. */
    void finishLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String render(int imageIndex, int imageCount, int step, int totalSteps, long elapsedMs) {
        int total = Math.max(totalSteps, 1);
        int filled = (int) Math.round(BAR_WIDTH * Math.min(step, total) / (double) total);
        StringBuilder sb = new StringBuilder();
        sb.append("image ").append(imageIndex + 1).append('/').append(Math.max(imageCount, 1));
        sb.append(" [");
        sb.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled));
        sb.append("] step ").append(step).append('/').append(totalSteps);
        sb.append("  ").append(elapsedMs).append(" ms");
        return sb.toString();
    }
}
