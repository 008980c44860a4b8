package io.rawloop.compare;

import io.rawloop.compare.backend.Backend;
import io.rawloop.compare.backend.BenchCertificate;
import io.rawloop.compare.bench.ControlPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code serve BACKEND --port P}: one back-end, serving until killed (SIGTERM or Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve /hello, /json, /sleep?ms=N and /cpu?n=N on one back-end:",
            "loop, loop-coroutines, threads, virtual-threads, netty-nio or netty-epoll;",
            "or nio-floor: plain NIO, no HTTP, answering anything that ends in a blank",
            "line with /hello's response."})
final class ServeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "BACKEND", description = "Which back-end.")
    String backend;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--tls", description = {"Serve https with a key and certificate made now (printed: give it to",
        "load --cacert or curl --cacert), unless --tls-keystore names one. Not for nio-floor."})
    boolean tls;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve https with the key in this PKCS#12 file (implies --tls).")
    Path keystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE", description = "The keystore's password, the file's first line.")
    Path passwordFile;

    @Option(names = "--control", hidden = true,
            description = "Also open the bench's control port (io.rawloop.compare.bench.ControlPort) and say where.")
    boolean control;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Backend chosen;
        try {
            chosen = Backend.of(backend);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        BenchCertificate certificate = null;
        if (tls || keystore != null) {
            if (!chosen.servesTls()) {
                spec.commandLine().getErr().println(chosen.id() + " does not serve TLS: it is no HTTP server, only the plain NIO floor");
                return 2;
            }
            if (keystore != null && passwordFile == null) {
                spec.commandLine().getErr().println("--tls-keystore needs --tls-password-file");
                return 2;
            }
            try {
                certificate = keystore != null ? new BenchCertificate(keystore, passwordFile, null)
                        : BenchCertificate.make(Files.createTempDirectory("rawloop-serve-tls"));
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("cannot make a certificate: " + e.getMessage());
                return 1;
            }
            if (keystore == null) {
                System.out.println("certificate " + certificate.certificate() + " (for --cacert)");
            }
        }
        Backend.Running running;
        try {
            running = chosen.start(new InetSocketAddress(host, port), certificate);
        } catch (java.io.IOException | RuntimeException e) {
            spec.commandLine().getErr().println("cannot listen on " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
        ControlPort controlPort = null;
        if (control) {
            controlPort = ControlPort.open(running.loopThread());
            // Before the listening line, which is what the bench waits for: by then it has this one too.
            System.out.println("control on " + InetAddress.getLoopbackAddress().getHostAddress() + ":" + controlPort.port());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ControlPort opened = controlPort;
        BenchCertificate madeHere = keystore == null ? certificate : null;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (opened != null) {
                opened.close();
            }
            running.close();
            if (madeHere != null) {
                try {
                    madeHere.delete();   // the key made for this run goes with it
                } catch (java.io.IOException e) {
                    System.err.println("could not delete " + madeHere.keystore() + ": " + e.getMessage());
                }
            }
            stopped.countDown();
        }));
        System.out.println(chosen.id() + " listening on " + (certificate == null ? "http" : "https") + "://" + host + ":" + running.port());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
