/// The NAS layer: search spaces, genotypes, model builders, data sets, the training loop,
/// FLOPs/params, the latency table, zero-cost proxies and tabular benchmarks.
public enum NAS {}
