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
 *
 * <p>A launcher may replace a built-in default (not a setting): the system property
 * {@code strobe.default.<option>} (e.g. {@code -Dstrobe.default.models=/opt/strobe/models}, which
 * {@code ./strobe serve} passes) is used only when flag, environment and config file all leave the
 * option unset, so it never overrides what a user configured.
 */
final class SettingsDefaults implements IDefaultValueProvider {
    /** Prefix of the system properties that replace built-in defaults. */
    static final String LAUNCHER_PREFIX = "strobe.default.";

    private final Map<String, String> env;
    private final Properties file;
    private final Map<String, String> launcher;

    SettingsDefaults(Map<String, String> env, Properties file) {
        this(env, file, Map.of());
    }

    /** @param launcher built-in defaults replaced by the launcher, keyed by option name without dashes */
    SettingsDefaults(Map<String, String> env, Properties file, Map<String, String> launcher) {
        this.env = env;
        this.file = file;
        this.launcher = launcher;
    }

    /** The {@code strobe.default.*} system properties, keyed by option name. */
    static Map<String, String> launcherDefaults(Properties system) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String k : system.stringPropertyNames()) {
            if (k.startsWith(LAUNCHER_PREFIX)) {
                out.put(k.substring(LAUNCHER_PREFIX.length()), system.getProperty(k));
            }
        }
        return out;
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
        return "STROBE_"
                + option.replaceFirst("^-+", "").toUpperCase(Locale.ROOT).replace('-', '_');
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
        String key = o.longestName().replaceFirst("^-+", "");
        String fromFile = file.getProperty(key);
        return fromFile != null ? fromFile : launcher.get(key);
    }
}
