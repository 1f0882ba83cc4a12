package io.governor.repository.apollo;

import com.ctrip.framework.apollo.openapi.client.ApolloOpenApiClient;
import com.ctrip.framework.apollo.openapi.dto.NamespaceReleaseDTO;
import com.ctrip.framework.apollo.openapi.dto.OpenItemDTO;
import io.governor.api.repository.Repository;
import io.governor.api.repository.RepositoryConfig;
import io.governor.test.TcpProxy;
import io.governor.test.apollo.ApolloServer;

import java.net.URI;
import java.util.UUID;

/**
 * Repositories on the JVM's real Apollo server ({@link ApolloServer#shared()}), and edits made
 * behind the repository's back through the OpenAPI, as a person in the portal would make them.
 */
final class ApolloTesting {

    static final String NAMESPACE_NAME = "application";
    private static TcpProxy proxy;
    /** False for the measurements: the client then talks to the config service directly. */
    static volatile boolean throughProxy = true;

    private ApolloTesting() {
    }

    static String namespace() {
        return "ns-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A writable repository's configuration on the shared server. */
    static RepositoryConfig.Builder config(ApolloServer apollo, String namespace) {
        return readOnly(apollo, namespace).property("portalUrl", apollo.portalUrl()).property("token", apollo.token());
    }

    /** A read-only repository's configuration (no portal, no token). */
    static RepositoryConfig.Builder readOnly(ApolloServer apollo, String namespace) {
        return RepositoryConfig.builder("apollo").serverLists(configService(apollo)).namespace(namespace)
                .property("appId", apollo.appId()).property("env", apollo.env());
    }

    /**
     * The JVM's address of the config service: a {@link TcpProxy} in front of it, also set as the
     * client's {@code apollo.config-service} (with {@code apollo.meta} the client would learn the
     * real address from the meta server). The Apollo client keeps its long poll on one address until
     * it fails, so a test can only cut the client off by cutting this proxy.
     */
    static synchronized String configService(ApolloServer apollo) {
        if (!throughProxy) {
            return apollo.configServiceUrl();
        }
        if (proxy == null) {
            proxy = TcpProxy.start("127.0.0.1", URI.create(apollo.configServiceUrl()).getPort());
            System.setProperty("apollo.config-service", "http://" + proxy.address());
        }
        return "http://" + proxy.address();
    }

    /** The proxy in front of the config service (see {@link #configService}). */
    static synchronized TcpProxy configServiceProxy(ApolloServer apollo) {
        configService(apollo);
        return proxy;
    }

    static Repository open(ApolloServer apollo, String namespace) {
        return new ApolloRepositoryProvider().create(config(apollo, namespace).build());
    }

    /** Sets an item and releases the namespace, as a person in the portal would. */
    static void setAndRelease(ApolloServer apollo, String itemKey, String value) {
        OpenItemDTO item = new OpenItemDTO();
        item.setKey(itemKey);
        item.setValue(value);
        item.setDataChangeCreatedBy("apollo");
        item.setDataChangeLastModifiedBy("apollo");
        ApolloOpenApiClient client = client(apollo);
        client.createOrUpdateItem(apollo.appId(), apollo.env(), "default", NAMESPACE_NAME, item);
        release(apollo, client);
    }

    /** Removes an item and releases the namespace. */
    static void removeAndRelease(ApolloServer apollo, String itemKey) {
        ApolloOpenApiClient client = client(apollo);
        client.removeItem(apollo.appId(), apollo.env(), "default", NAMESPACE_NAME, itemKey, "apollo");
        release(apollo, client);
    }

    /** The item's text in the portal (drafts included), or null. */
    static String portalValue(ApolloServer apollo, String itemKey) {
        OpenItemDTO item = client(apollo).getItem(apollo.appId(), apollo.env(), "default", NAMESPACE_NAME, itemKey);
        return item == null ? null : item.getValue();
    }

    private static void release(ApolloServer apollo, ApolloOpenApiClient client) {
        NamespaceReleaseDTO release = new NamespaceReleaseDTO();
        release.setReleaseTitle("by hand");
        release.setReleasedBy("apollo");
        client.publishNamespace(apollo.appId(), apollo.env(), "default", NAMESPACE_NAME, release);
    }

    static ApolloOpenApiClient client(ApolloServer apollo) {
        return ApolloOpenApiClient.newBuilder().withPortalUrl(apollo.portalUrl()).withToken(apollo.token()).build();
    }
}
