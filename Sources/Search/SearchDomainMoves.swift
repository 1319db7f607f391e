import Foundation
import NAS
import Tensor

/// Mutation and crossover inside a domain, for evolution (and for TPE's duplicate fallback).
extension SearchDomain {
    /// One small step away from `genotype`, preferring results not in `avoiding`. A whole space
    /// uses NAS's single mutations (darts: one op or one input edge; nb201: one edge's op;
    /// chain: one parameter resampled or nudged); a restricted domain moves to the nearest other
    /// candidate.
    public func mutate(_ genotype: Genotype, using generator: inout SeededGenerator,
                       avoiding: Set<Genotype> = []) -> Genotype {
        if candidates != nil {
            return nearest(to: genotype, using: &generator, avoiding: avoiding, excludingItself: true)
        }
        var child = SearchDomain.canonical(genotype)
        for _ in 0..<8 {
            switch genotype {
            case .darts(let g): child = .darts(g.mutated(using: &generator).canonical)
            case .nb201(let a): child = .nb201(a.mutated(using: &generator))
            case .chain(let values):
                guard case .chain(let chainSpace)? = space else { return genotype }
                child = .chain(chainSpace.mutated(values, using: &generator))
            }
            if !avoiding.contains(child) { break }
        }
        return child
    }

    /// Uniform crossover of two parents: each nb201 edge, each darts node (both of its pairs,
    /// which keeps the node's inputs distinct) and each chain parameter comes from either parent
    /// with equal odds. A restricted domain returns the candidate nearest to the child.
    public func crossover(_ a: Genotype, _ b: Genotype, using generator: inout SeededGenerator) -> Genotype {
        var child: Genotype
        switch (a, b) {
        case let (.nb201(x), .nb201(y)):
            var out = x
            for edge in 0..<NB201Architecture.edgeCount where generator.nextInt(2) == 1 {
                out = out.replacing(edge: edge, with: y.ops[edge])
            }
            child = .nb201(out)
        case let (.darts(x), .darts(y)):
            func mix(_ cell: DartsGenotype.Cell, _ generator: inout SeededGenerator) -> [DartsGenotype.Edge] {
                var edges = x.pairs(cell)
                let other = y.pairs(cell)
                for node in 0..<DartsGenotype.nodeCount where generator.nextInt(2) == 1 {
                    edges[2 * node] = other[2 * node]
                    edges[2 * node + 1] = other[2 * node + 1]
                }
                return edges
            }
            let normal = mix(.normal, &generator)
            let reduce = mix(.reduce, &generator)
            // Whole nodes of valid parents stay valid.
            child = (try? DartsGenotype(normal: normal, normalConcat: x.normalConcat, reduce: reduce,
                                        reduceConcat: x.reduceConcat)).map { .darts($0.canonical) } ?? a
        case let (.chain(x), .chain(y)):
            if case .chain(let chainSpace)? = space {
                var out: [String: ChainValue] = [:]
                for p in chainSpace.parameters where p.isActive(in: out) {
                    let first = generator.nextInt(2) == 0
                    out[p.name] = (first ? x[p.name] ?? y[p.name] : y[p.name] ?? x[p.name]) ?? p.sample(using: &generator)
                }
                child = .chain(out)
            } else {
                var out: [String: ChainValue] = [:]
                for key in Set(x.keys).union(y.keys).sorted() {
                    let first = generator.nextInt(2) == 0
                    out[key] = first ? x[key] ?? y[key] : y[key] ?? x[key]
                }
                child = .chain(out)
            }
        default:
            child = a
        }
        if candidates != nil { return nearest(to: child, using: &generator) }
        return SearchDomain.canonical(child)
    }
}

extension ChainSpace {
    /// `assignment` with one active searchable parameter changed (a different choice, or a
    /// Gaussian nudge of a numeric value on its own scale); parameters that a changed depth
    /// switches on are sampled, those it switches off dropped.
    func mutated(_ assignment: [String: ChainValue], using generator: inout SeededGenerator) -> [String: ChainValue] {
        let active = parameters.filter { $0.isSearchable && $0.isActive(in: assignment) }
        guard !active.isEmpty else { return assignment }
        let parameter = active[generator.nextInt(active.count)]
        var changed = assignment
        changed[parameter.name] = parameter.nudged(assignment[parameter.name], using: &generator)
        var out: [String: ChainValue] = [:]
        for p in parameters where p.isActive(in: out) {
            out[p.name] = changed[p.name] ?? p.sample(using: &generator)
        }
        return out
    }
}

extension ChainParameter {
    /// A value near `value` and different from it where the domain allows: another choice
    /// uniformly; for numbers a Gaussian step of a quarter of the range (log scale for log
    /// domains), kept inside the range and on the step grid.
    func nudged(_ value: ChainValue?, using generator: inout SeededGenerator) -> ChainValue {
        guard let value, let current = normalized(value) else { return sample(using: &generator) }
        switch domain {
        case .fixed(let fixed):
            return fixed
        case .choice(let values):
            guard values.count > 1 else { return values[0] }
            let at = values.firstIndex(of: current) ?? 0
            var pick = generator.nextInt(values.count - 1)
            if pick >= at { pick += 1 }
            return values[pick]
        case .int(let low, let high, let step, let log):
            guard low < high, let v = current.intValue else { return current }
            let (lo, hi) = log ? (Foundation.log(Double(low)), Foundation.log(Double(high))) : (Double(low), Double(high))
            let t = log ? Foundation.log(Double(v)) : Double(v)
            for _ in 0..<8 {
                let x = min(max(t + Double(generator.nextNormal()) * 0.25 * (hi - lo), lo), hi)
                let raw = log ? exp(x) : x
                let snapped = low + Int(((raw - Double(low)) / Double(step)).rounded()) * step
                let next = min(max(snapped, low), high - (high - low) % step)
                if next != v { return .int(next) }
            }
            return .int(v + step <= high ? v + step : v - step)
        case .float(let low, let high, let log):
            guard low < high, let v = current.doubleValue else { return current }
            let (lo, hi) = log ? (Foundation.log(low), Foundation.log(high)) : (low, high)
            let t = log ? Foundation.log(v) : v
            let x = min(max(t + Double(generator.nextNormal()) * 0.25 * (hi - lo), lo), hi)
            return .double(min(max(log ? exp(x) : x, low), high))
        }
    }
}
