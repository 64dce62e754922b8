package dev.para.dispatch.devmode;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The playground's settings in dev mode ({@link DevPlayground}). Its ordinal is just above
 * application.properties (250), whose production defaults (GitHub's URLs, the agent command) it
 * replaces while the playground runs, and below environment variables (300) and system properties
 * (400), so that anything an operator sets still wins.
 */
final class DevPlaygroundConfigSource implements ConfigSource {

    @Override
    public Set<String> getPropertyNames() {
        return DevPlayground.values().keySet();
    }

    @Override
    public Map<String, String> getProperties() {
        return DevPlayground.values();
    }

    @Override
    public String getValue(String name) {
        return DevPlayground.values().get(name);
    }

    @Override
    public int getOrdinal() {
        return 260;
    }

    @Override
    public String getName() {
        return "para-dispatch dev playground";
    }
}
