package io.governor.bench.failure;

import io.governor.api.config.GovernanceConfig;
import io.governor.api.repository.RepositoryConfig;
import io.governor.core.Governance;

/**
 * The instance that dies in the failure benchmark, run in its own JVM:
 * {@code Victim <type> <serverLists> <namespace> <timeoutProperty> <timeout> [<property> <value>]...}. Registers one governed
 * instance (no databases), prints {@code ready <instanceId>} and then waits for stdin to end; the
 * benchmark kills it with SIGKILL long before that, so it never closes cleanly. If the benchmark's
 * JVM goes away first, stdin ends and the victim closes and exits on its own.
 */
public final class Victim {

    private Victim() {
    }

    public static void main(String[] args) throws Exception {
        RepositoryConfig.Builder builder = RepositoryConfig.builder(args[0])
                .serverLists(args[1])
                .property(args[3], args[4]);
        for (int i = 5; i + 1 < args.length; i += 2) {
            builder.property(args[i], args[i + 1]);
        }
        RepositoryConfig registry = builder.build();
        GovernanceConfig config = GovernanceConfig.builder(args[2]).registryCenter(registry).build();
        try (Governance governance = Governance.builder(config).serviceLoaderListeners(false).build()) {
            System.out.println("ready " + governance.instanceId());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the end of stdin (or SIGKILL)
            }
        }
        System.exit(0);
    }
}
