package io.llmblender.cli;

import io.llmblender.cli.command.AskCommand;
import io.llmblender.cli.command.BenchCommand;
import io.llmblender.cli.command.BestOfNCommand;
import io.llmblender.cli.command.CompareCommand;
import io.llmblender.cli.command.CompareConversationsCommand;
import io.llmblender.cli.command.DemoCommand;
import io.llmblender.cli.command.EvalCommand;
import io.llmblender.cli.command.FuseCommand;
import io.llmblender.cli.command.RankCommand;
import io.llmblender.cli.command.RankWithRefCommand;
import io.llmblender.cli.command.ServeCommand;
import io.llmblender.cli.command.SparkCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code blender} command: the product's entry point. One class per subcommand in
 * {@code io.llmblender.cli.command}.
 */
@Command(
        name = "blender",
        mixinStandardHelpOptions = true,
        versionProvider = BlenderCommand.Version.class,
        description = "Ensembles LLMs the way LLM-Blender does: rank candidate answers with PairRM, fuse the best.",
        subcommands = {
            DemoCommand.class,
            AskCommand.class,
            ServeCommand.class,
            EvalCommand.class,
            RankCommand.class,
            CompareCommand.class,
            RankWithRefCommand.class,
            CompareConversationsCommand.class,
            BestOfNCommand.class,
            FuseCommand.class,
            BenchCommand.class,
            SparkCommand.class,
            CommandLine.HelpCommand.class
        })
public final class BlenderCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "on an error, also print its stack trace")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * A configured command line, shared by {@link #main} and the tests.
     *
     * @return the {@code blender} command line with every subcommand, its error handler and output streams
     */
    public static CommandLine commandLine() {
        BlenderCommand root = new BlenderCommand();
        ErrorHandler errors = new ErrorHandler(() -> root.verbose);
        return new CommandLine(root).setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
    }

    /**
     * Runs {@code blender} with {@code args} and exits with its status (0 on success, the error handler's code
     * otherwise).
     *
     * @param args the command line, e.g. {@code rank -m llm-blender/PairRM-hf --input ... --candidates ...}
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Reads the version Maven wrote into the jar, plus the engine it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = BlenderCommand.class.getResourceAsStream("/blender-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "blender " + p.getProperty("version", "unknown") + " (LLM-Blender for the JVM)",
                "Java " + System.getProperty("java.version") + ", DJL 0.36.0 / PyTorch 2.7.1 (CPU)"
            };
        }
    }
}
