package org.tubemail.internal.cli;

import org.tubemail.internal.config.EffectiveSettings;
import org.tubemail.internal.config.SettingKey;
import org.tubemail.internal.config.SettingsSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;

/** Prints the settings in effect with their sources, or every declared setting. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the settings in effect, each with its source (default, the settings file, an environment variable); secrets masked.")
final class ConfigCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    TubemailCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--keys", description = "list every declared setting: name, form, default, meaning")
    boolean keys;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (keys) {
            for (SettingKey k : SettingsSchema.KEYS) {
                out.println(String.format("%-42s %-11s %-24s %s", k.name(), k.type().name().toLowerCase(Locale.ROOT),
                        k.defaultValue().isEmpty() ? "-" : k.defaultValue(), k.description()));
            }
            out.println(SettingsSchema.APP_PREFIX + "*" + " ".repeat(38) + "the application's own settings (not checked)");
            return 0;
        }
        for (EffectiveSettings.Entry e : EffectiveSettings.of(cli.settings())) {
            out.println(String.format("%-42s %s", e.key() + "=" + e.value(), "[" + e.source() + "]"));
        }
        return 0;
    }
}
