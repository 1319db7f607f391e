import CBLAS
import Foundation

/// Which OpenBLAS kernels run. Debian 12's OpenBLAS 0.3.21 does not know recent Xeons and
/// falls back to its SSE3 "Prescott" kernels, a third of the speed the CPU's AVX-512 gives.
/// The core type can only be chosen before the library loads (OPENBLAS_CORETYPE), so the
/// program re-executes itself once with it set, then checks the new kernels' results.
public enum BLASKernel {
    private static let fallbackCores: Set<String> = ["prescott", "core2", "katmai", "coppermine", "northwood", "banias", "atom", "unknown"]
    private static let marker = "NAS_TUI_BLAS_REEXEC"

    /// The core whose kernels OpenBLAS uses.
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The OPENBLAS_CORETYPE worth requesting on this CPU, when OpenBLAS fell back to generic kernels.
    public static func betterCoreType() -> String? {
        guard fallbackCores.contains(coreName.lowercased()),
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512vl", "avx512bw", "avx512dq"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Re-executes the running program with OPENBLAS_CORETYPE set when OpenBLAS chose generic
    /// kernels on a CPU with better ones and the user has not chosen a core. After the re-exec
    /// a small product is checked against a plain loop; a mismatch goes back to the default.
    /// Returns when no re-exec is needed.
    public static func reexecWithFasterKernelsIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        if environment[marker] == "1" {
            if !kernelsAgreeWithReference() {
                FileHandle.standardError.write(Data("nas-tui: OpenBLAS \(coreName) kernels gave wrong results; using its default kernels\n".utf8))
                setenv(marker, "2", 1)
                unsetenv("OPENBLAS_CORETYPE")
                reexec()
            }
            return
        }
        guard environment[marker] == nil, environment["OPENBLAS_CORETYPE"] == nil, let core = betterCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(marker, "1", 1)
        reexec()
    }

    private static func reexec() {
        let arguments = CommandLine.arguments
        var cArguments = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &cArguments)
        // execv returns only on failure: carry on with the kernels already loaded.
    }

    /// Compares a 37×29×23 sgemm with the textbook triple loop.
    static func kernelsAgreeWithReference() -> Bool {
        let (m, n, k) = (37, 29, 23)
        var generator = SeededGenerator(seed: 11)
        let a = (0..<m * k).map { _ in generator.nextNormal() }, b = (0..<k * n).map { _ in generator.nextNormal() }
        var c = [Float](repeating: 0, count: m * n)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
                if abs(s - c[i * n + j]) > 1e-3 * max(1, abs(s)) { return false }
            }
        }
        return true
    }
}
