package dev.strobe.loadtest;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code strobe loadtest}: the load driver's command line. Subcommands {@code run} (the default: one
 * open- or closed-loop run) and {@code sweep} (raise the offered load until the server saturates).
 * Every run prints a readable summary and, as the last line, one JSON object.
 *
 * <p>The launcher runs {@link #main}; tests call {@link #run} with their own streams. Runs on the main
 * thread. Exit codes: 0 done, 1 the run failed (nothing completed, or a report could not be written),
 * 2 invalid arguments.
 */
@Command(
        name = "loadtest",
        mixinStandardHelpOptions = true,
        description = {
            "Offers load to a strobe server and measures time to first preview, time to final image,",
            "throughput and errors. 'run' is the default subcommand."
        })
public final class LoadtestMain implements Runnable {

    private static final Set<String> SUBCOMMANDS =
            Set.of("run", "sweep", "soak", "help", "-h", "--help", "-V", "--version");

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Parses {@code args} ({@code run} when no subcommand is named), runs and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        CommandLine cl = new CommandLine(new LoadtestMain());
        cl.addSubcommand("run", new RunCommand(out, err, environment));
        cl.addSubcommand("sweep", new SweepCommand(out, err, environment));
        cl.addSubcommand("soak", new dev.strobe.loadtest.soak.SoakCommand(out));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getCommandSpec().exitCodeOnInvalidInput(2);
        cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().exitCodeOnInvalidInput(2));
        return cl.execute(withDefaultSubcommand(args));
    }

    static String[] withDefaultSubcommand(String[] args) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            return args;
        }
        String[] withRun = new String[args.length + 1];
        withRun[0] = "run";
        System.arraycopy(args, 0, withRun, 1, args.length);
        return withRun;
    }

    @Override
    public void run() {
        // Only reached for "loadtest" with a help or version flag; picocli prints those itself.
    }
}
