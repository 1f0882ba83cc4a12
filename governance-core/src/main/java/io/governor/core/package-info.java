/**
 * Governor's entry points: {@link io.governor.core.Governance} for an application's instance,
 * {@link io.governor.core.GovernanceAdmin} for operators and tools, and the types they return
 * ({@link io.governor.core.InstanceInfo}, {@link io.governor.core.InstanceState},
 * {@link io.governor.core.ControlChange}). The governed data source an instance hands out is
 * {@link io.governor.core.jdbc.GovernedDataSource}. Everything else in this package (configuration
 * and registry services, the node layout, the YAML codec, the per-database reconciler) is
 * package-private.
 */
package io.governor.core;
