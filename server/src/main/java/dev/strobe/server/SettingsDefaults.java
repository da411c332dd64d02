package dev.strobe.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for options not given on the command line: first the environment variable
 * {@code STROBE_<OPTION>} (e.g. --max-batch -> STROBE_MAX_BATCH), then the config file (a
 * properties file keyed by the option name without dashes, e.g. {@code max-batch=8}), then the
 * built-in default. Precedence overall: flag, environment, config file, built-in.
 */
final class SettingsDefaults implements IDefaultValueProvider {
    private final Map<String, String> env;
    private final Properties file;

    SettingsDefaults(Map<String, String> env, Properties file) {
        this.env = env;
        this.file = file;
    }

    static Properties readConfig(Path path) throws IOException {
        Properties p = new Properties();
        if (path != null) {
            try (Reader r = Files.newBufferedReader(path)) {
                p.load(r);
            }
        }
        return p;
    }

    static String envName(String option) {
        return "STROBE_" + option.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || o.longestName().equals("--config")) {
            return null;
        }
        String fromEnv = env.get(envName(o.longestName()));
        if (fromEnv != null) {
            return fromEnv;
        }
        return file.getProperty(o.longestName().replaceFirst("^-+", ""));
    }
}
