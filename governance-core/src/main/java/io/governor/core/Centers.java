package io.governor.core;

import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RegistryRepository;
import io.governor.api.repository.Repository;
import io.governor.core.service.ConfigService;
import io.governor.core.service.RegistryService;
import io.governor.core.service.Repositories;
import io.governor.core.yaml.RuleCodecs;
import io.governor.core.yaml.YamlCodec;

/**
 * The connected config and registry centers of one namespace. When no separate config center is
 * configured, the registry repository serves both roles and is closed once.
 */
record Centers(RegistryRepository registryRepository, Repository configRepository, ConfigService config,
               RegistryService registry) {

    static Centers connect(GovernanceConfig cfg, RuleCodecs codecs) {
        YamlCodec codec = new YamlCodec(codecs);
        // Check the config center's type and capabilities before connecting anything.
        cfg.configCenter().ifPresent(cc -> Repositories.requireCapabilities(Repositories.provider(cc.type()),
                Repositories.CONFIG_CENTER, "config center"));
        RegistryRepository registry = (RegistryRepository) Repositories.connect(cfg.registryCenter(),
                Repositories.REGISTRY_CENTER, "registry center", cfg.startupTimeout());
        Repository config = registry;
        if (cfg.configCenter().isPresent()) {
            try {
                config = Repositories.connect(cfg.configCenter().get(), Repositories.CONFIG_CENTER, "config center",
                        cfg.startupTimeout());
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
        }
        return new Centers(registry, config, new ConfigService(config, codec, cfg.namespace()),
                new RegistryService(registry, codec, cfg.namespace()));
    }

    void close() {
        if (configRepository != registryRepository) {
            configRepository.close();
        }
        registryRepository.close();
    }
}
