package dev.strobe.tools;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line checks of strobe's numerics from outside the server:
 * {@code java -cp ... dev.strobe.tools.ToolsMain tokenize|schedule|noise|speed ...}. Each subcommand
 * prints one JSON object on its last line; bad arguments exit with status 2 and one line on
 * stderr. Runs on the main thread and exits.
 */
@Command(
        name = "strobe-tools",
        mixinStandardHelpOptions = true,
        description = "Print strobe's tokens, schedules and noise as JSON, to compare with diffusers and ComfyUI.",
        subcommands = {TokenizeCommand.class, ScheduleCommand.class, NoiseCommand.class, SpeedCommand.class})
public final class ToolsMain implements Runnable {
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name a subcommand: tokenize, schedule, noise or speed");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it with their own writers). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ToolsMain());
        cl.setParameterExceptionHandler((ex, args) -> {
            printError(ex.getCommandLine().getErr(), ex.getMessage());
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException) {
                printError(commandLine.getErr(), ex.getMessage());
                return EXIT_USAGE;
            }
            printError(commandLine.getErr(), ex.toString());
            return 1;
        });
        return cl;
    }

    private static void printError(PrintWriter err, String message) {
        err.println("error: " + message.replace('\n', ' ').strip());
        err.flush();
    }
}
