package dev.strobe.server;

import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The server's command line: {@code strobe serve [options]}. */
@Command(
        name = "strobe",
        mixinStandardHelpOptions = true,
        subcommands = ServeCommand.class,
        description = "strobe: real-time SDXL-Lightning image generation over gRPC.")
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Properties config;
        try {
            config = SettingsDefaults.readConfig(configPath(args));
        } catch (java.io.IOException e) {
            System.err.println("strobe: cannot read the config file: " + e.getMessage());
            return 2;
        }
        CommandLine cli = new CommandLine(Main.class);
        cli.setDefaultValueProvider(new SettingsDefaults(
                System.getenv(), config, SettingsDefaults.launcherDefaults(System.getProperties())));
        return cli.execute(args);
    }

    /** The --config value, read before picocli parses so the file can supply defaults. */
    static Path configPath(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        String env = System.getenv("STROBE_CONFIG");
        return env == null || env.isEmpty() ? null : Path.of(env);
    }
}
