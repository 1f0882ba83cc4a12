package io.governor.core;

import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.Repository;

/**
 * The connected config and registry centers of one namespace. When no separate config center is
 * configured, the registry repository serves both roles and is closed once.
 */
record Centers(RegistryRepository registryRepository, Repository configRepository, ConfigService config,
               RegistryService registry, Instances instances) {

    /** Connects both centers within {@code startupTimeout} from now. */
    static Centers connect(GovernanceConfig cfg, RuleCodecs codecs) {
        return connect(cfg, codecs, System.nanoTime() + cfg.startupTimeout().toNanos());
    }

    /**
     * Connects both centers within what is left of the start-up until {@code deadline}
     * ({@link System#nanoTime()}): the registry center, then the config center in the remainder.
     */
    static Centers connect(GovernanceConfig cfg, RuleCodecs codecs, long deadline) {
        YamlCodec codec = new YamlCodec(codecs);
        // Check the config center's type before connecting anything (the registry's is checked by connectRegistry).
        cfg.configCenter().ifPresent(cc -> Repositories.provider(cc.type()));
        RegistryRepository registry = Repositories.connectRegistry(cfg.registryCenter(), left(deadline));
        Repository config = registry;
        if (cfg.configCenter().isPresent()) {
            try {
                config = Repositories.connect(cfg.configCenter().get(), "config center", left(deadline));
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
        }
        return new Centers(registry, config, new ConfigService(config, codec, cfg.namespace(), cfg.historyLimit()),
                new RegistryService(registry, codec, cfg.namespace()), new Instances(registry, codec));
    }

    /** What is left until {@code deadline}, at least a millisecond (so the connect fails as a timeout). */
    static java.time.Duration left(long deadline) {
        return java.time.Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
    }

    void close() {
        if (configRepository != registryRepository) {
            configRepository.close();
        }
        registryRepository.close();
    }
}
