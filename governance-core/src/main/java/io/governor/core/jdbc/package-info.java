/**
 * The JDBC half of governance: {@link io.governor.core.jdbc.GovernedDataSource}, the
 * {@code javax.sql.DataSource} applications use, and {@link io.governor.core.jdbc.JdbcRuntime}, which
 * core's reconciler drives with complete configurations (pools built by reflection and checked
 * before they are swapped in, replaced pools drained, read/write splitting, disabled replicas,
 * circuit breaker). Everything else in this package is package-private.
 */
package io.governor.core.jdbc;
