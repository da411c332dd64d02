package dev.strobe.server;

import dev.strobe.testing.TinyModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code strobe serve} process on the tiny models for tests: its stdout and stderr merged,
 * read line by line on a thread of its own, so a test can wait for a line (a phase of start-up,
 * the port) and then send a signal. {@link #close} kills the process if it still runs.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("strobe listening on port (\\d+)");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Object seen = new Object();
    /** Guarded by seen: the output reached its end. */
    private boolean ended;

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "server-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code Main serve} on port 0 with the tiny models and {@code extra} options. */
    static ServerProcess start(String... extra) throws IOException {
        return start(TinyModels.dir(), extra);
    }

    /** Starts {@code Main serve} on port 0 with the model repository {@code models} and {@code extra} options. */
    static ServerProcess start(Path models, String... extra) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "dev.strobe.server.Main",
                "serve",
                "--port",
                "0",
                "--http-port",
                "0",
                "--host",
                "127.0.0.1",
                "--models",
                models.toString()));
        cmd.addAll(List.of(extra));
        return new ServerProcess(
                new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    private void read() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                synchronized (seen) {
                    seen.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        synchronized (seen) {
            ended = true;
            seen.notifyAll();
        }
    }

    /**
     * Waits for a line matching {@code regex}.
     *
     * @return the match
     * @throws AssertionError when the process ended or the timeout passed first
     */
    Matcher await(String regex, long timeoutSeconds) throws InterruptedException {
        Pattern p = Pattern.compile(regex);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        int checked = 0;
        synchronized (seen) {
            while (true) {
                for (; checked < lines.size(); checked++) {
                    Matcher m = p.matcher(lines.get(checked));
                    if (m.find()) {
                        return m;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || (ended && checked == lines.size())) {
                    throw new AssertionError("no line matching '" + regex + "'; output:\n" + output());
                }
                seen.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    int awaitPort() throws InterruptedException {
        return Integer.parseInt(await(LISTENING.pattern(), 120).group(1));
    }

    /** SIGTERM (through the process handle: Process.destroy would also close the output we read). */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to end; returns its exit status. */
    int awaitExit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the process still runs after " + timeoutSeconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
