package io.governor.repository.apollo;

import com.ctrip.framework.apollo.build.ApolloInjector;
import com.ctrip.framework.apollo.util.ConfigUtil;
import io.governor.api.ErrorCode;
import io.governor.api.GovernanceException;
import io.governor.api.repository.AbstractRepositoryProvider;
import io.governor.api.repository.Capability;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;

/**
 * Creates config-center repositories of type {@code apollo}: one Apollo app / cluster / namespace,
 * read through the Apollo Java client and written through the Apollo OpenAPI.
 *
 * <p>Children are derived from item keys. Capability: {@link Capability#TRANSACTION}: a commit is
 * one release, all or nothing (its checks are read-then-write, see {@code ApolloRepository#commit}).
 * Apollo has no atomic compare-and-set, no ephemeral items and no locks, so this is no
 * {@link io.governor.api.repository.RegistryRepositoryProvider}: an Apollo repository can be a
 * config center but never a registry center.
 *
 * <p>Properties ({@code docs/repositories/apollo.md} has the full reference): {@code appId}
 * (required), {@code cluster}, {@code namespaceName}, {@code env}, {@code portalUrl} and
 * {@code token} (both or neither; without them the repository is read-only), {@code operator},
 * {@code connectTimeout}, {@code readTimeout}, {@code syncTimeout}, {@code maxValueBytes}. Unknown
 * properties are rejected. {@code serverLists} is the Apollo meta server; the Apollo client is
 * JVM-wide, so it is applied to the JVM's Apollo settings and must agree with them.
 *
 * <p>Stateless and thread-safe.
 */
public final class ApolloRepositoryProvider extends AbstractRepositoryProvider<Repository> {

    /** The type key. */
    public static final String TYPE = "apollo";

    private static final String META_PROPERTY = "apollo.meta";
    private static final String CONFIG_SERVICE_PROPERTY = "apollo.config-service";

    /** Used by {@link java.util.ServiceLoader}. */
    public ApolloRepositoryProvider() {
        super(TYPE);
    }

    /**
     * Opens the configured Apollo namespace and loads it. Blocks for the Apollo client's first load.
     *
     * @throws GovernanceException {@code INVALID_CONFIG} for a bad or conflicting configuration,
     *         {@code CONNECT_FAILED} when the config service gave nothing and no local cache exists
     */
    @Override
    protected Repository open(RepositoryConfig config) {
        ApolloSettings settings = new ApolloSettings(config);
        applyMetaServer(settings.metaServer);
        String clientCluster = ApolloInjector.getInstance(ConfigUtil.class).getCluster();
        if (!settings.cluster.equals(clientCluster)) {
            throw new GovernanceException(ErrorCode.INVALID_CONFIG, "apollo repository: property cluster is '"
                    + settings.cluster + "' but this JVM's Apollo client reads cluster '" + clientCluster
                    + "' (system property apollo.cluster); the Apollo client is JVM-wide, so they must agree");
        }
        return ApolloRepository.open(settings);
    }

    /**
     * The Apollo client takes its meta server from JVM-wide settings. An empty server list leaves
     * them alone; otherwise it is set if the JVM has none, and must match if it has one. An empty
     * system property counts as none, as it does for the Apollo client.
     */
    static synchronized void applyMetaServer(String serverLists) {
        if (serverLists.isEmpty()) {
            return;
        }
        String meta = nonBlank(System.getProperty(META_PROPERTY));
        String configService = nonBlank(System.getProperty(CONFIG_SERVICE_PROPERTY));
        if (serverLists.equals(meta) || serverLists.equals(configService)) {
            return;
        }
        if (meta == null && configService == null) {
            System.setProperty(META_PROPERTY, serverLists);
            return;
        }
        throw new GovernanceException(ErrorCode.INVALID_CONFIG, "apollo repository: serverLists '" + serverLists
                + "' differs from this JVM's Apollo client setting (" + META_PROPERTY + "=" + meta + ", "
                + CONFIG_SERVICE_PROPERTY + "=" + configService + "); the Apollo client is JVM-wide: use one "
                + "meta server per JVM, or leave serverLists empty");
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
