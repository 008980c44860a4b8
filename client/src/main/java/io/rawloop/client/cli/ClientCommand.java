package io.rawloop.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rawloop-client.jar}: the fetch, raw and ws commands. */
@Command(name = "rawloop-client.jar", mixinStandardHelpOptions = true,
        description = "rawloop's HTTP/1.1 client: download many URLs in four concurrency models, talk to a socket byte by byte, or to a WebSocket.",
        subcommands = {FetchCommand.class, RawCommand.class, WsCommand.class, CommandLine.HelpCommand.class})
public final class ClientCommand implements Runnable {

    /** Made by picocli. */
    public ClientCommand() {
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Entry point of the runnable jar. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, ready to execute (tests run it in-process). */
    static CommandLine commandLine() {
        return new CommandLine(new ClientCommand());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
