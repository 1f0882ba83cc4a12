/**
 * The {@code zookeeper} repository: Governor's config center and registry center on Apache
 * ZooKeeper, through Apache Curator.
 *
 * <p>The only public type is {@link io.governor.repository.zookeeper.ZooKeeperRepositoryProvider},
 * found through {@link java.util.ServiceLoader}; everything else is package-private. Properties,
 * ACL behaviour, session handling and limits are described in {@code docs/repositories/zookeeper.md}.
 */
package io.governor.repository.zookeeper;
