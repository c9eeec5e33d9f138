import GoMemSimCore
import GoMemSimTrace

/// The background scavenger's state (mgcscavenge.go, Go 1.19): goals set after each GC,
/// and the PI controller that paces it at 1 % of the CPU.
struct ScavengerState {
    /// `scavenge.gcPercentGoal`: retained heap to keep; `.max` = nothing to do.
    /// Zero until the first `gcControllerCommit` (gcinit only calls `commit`, which does
    /// not pace the scavenger): before the first GC, every heap growth releases as many
    /// free pages as it grew (mheap.go:1284-1305).
    var gcPercentGoal: UInt64 = 0
    /// `scavenge.memoryLimitGoal`: mapped-ready memory to keep; `.max` = nothing to do.
    var memoryLimitGoal: UInt64 = 0
    /// `sleepRatio`: work time over sleep time (`startingScavSleepRatio` = 0.001).
    var sleepRatio = 0.001
    var controller = PIController(kp: 0.3375, ti: 3.2e6, tt: 1e9, min: 0.001, max: 1000)
    var controllerCooldownNs: Double = 0
    /// When the scavenger goroutine next runs; `nil` while parked with no wake-up due.
    var wakeAt: UInt64?
    /// `scavengerState.parked`: it ran out of work and waits for `ready` (sysmon wakes
    /// it) or `wake` (sweep termination); a scavenger sleeping between runs is not parked.
    var parked = true
    /// The scavenge *generation* (mgcscavenge.go `scavengeStartGen`, Go 1.17–1.20): each
    /// generation walks the heap once, from high addresses down, and a page freed above
    /// the walk is not seen until the next one, which starts when sweeping completes —
    /// "the scavenger only runs over the heap once per GC cycle" (mgcsweep.go `sweepone`).
    /// `searchLimit` is the page index the walk has reached: pages below it are still to
    /// search (`p.scav.inUse`; empty until the first generation starts).
    var searchLimit = 0
    /// `p.scav.freeHWM`: the end (exclusive page index) of the highest range freed this
    /// generation; 0 = none (`minOffAddr`).
    var freeHWM = 0
    /// `p.scav.scavLWM`: the lowest page scavenged this generation; `.max` = none.
    var scavLWM = Int.max
    var releasedBackground: UInt64 = 0
    var releasedEager: UInt64 = 0
    var backgroundCPUNs: UInt64 = 0
}

/// `piController` (mgcpacer.go): proportional-integral with anti-windup.
struct PIController {
    var kp: Double, ti: Double, tt: Double, min: Double, max: Double
    var errIntegral: Double = 0

    mutating func next(input: Double, setpoint: Double, period: Double) -> (Double, Bool) {
        let prop = kp * (setpoint - input)
        let rawOutput = prop + errIntegral
        guard rawOutput.isFinite else { errIntegral = 0; return (min, false) }
        let output = Swift.min(Swift.max(rawOutput, min), max)
        if ti != 0 && tt != 0 {
            errIntegral += (kp * period / ti) * (setpoint - input) + (period / tt) * (output - rawOutput)
            guard errIntegral.isFinite else { errIntegral = 0; return (min, false) }
        }
        return (output, true)
    }
}

extension GoRuntime {
    /// `gcPaceScavenger` (mgcscavenge.go:140-207): after a GC, keep 10 % more than the
    /// in-use heap scaled by how the goal moved; with a limit, aim at 95 % of it (1.19
    /// multiplies by 95 without dividing by 100, so that goal never binds). Disabled
    /// until a GC has completed (no `lastHeapGoal`).
    mutating func paceScavenger(now: UInt64) {
        if let limit = memoryLimit {
            let (product, overflow) = limit.multipliedReportingOverflow(by: 95)
            let goal = config.goVersion.memoryLimitScavengeGoalBug ? (overflow ? .max : product) : limit / 100 * 95
            scavenger.memoryLimitGoal = mappedReady <= goal ? .max : goal
        } else {
            scavenger.memoryLimitGoal = .max
        }
        if lastHeapGoal == 0 || heapGoal == .max {
            scavenger.gcPercentGoal = .max
        } else {
            let ratio = Double(heapGoal) / Double(lastHeapGoal)
            var goal = UInt64(Double(lastHeapInUse) * ratio * 1.10)
            goal = (goal + Self.physPageSize - 1) / Self.physPageSize * Self.physPageSize
            let retained = heapRetained
            scavenger.gcPercentGoal = retained <= goal || retained - goal < Self.physPageSize ? .max : goal
        }
        // The sweeper readies the scavenger at the end of the cycle; sysmon wakes it.
        if !scavengerShouldStop, scavenger.parked {
            scavenger.wakeAt = min(scavenger.wakeAt ?? .max, now + Self.sysmonWakeDelayNs)
        }
    }

    /// `scavengerState.wake` from `finishsweep_m` (mgcsweep.go, 1.19): at sweep termination
    /// a parked scavenger is made runnable at once — it runs on an idle P when the world
    /// restarts at `now`, with the goal the previous cycle set.
    mutating func wakeScavenger(now: UInt64) {
        guard scavenger.parked, !scavengerShouldStop else { return }
        scavenger.wakeAt = min(scavenger.wakeAt ?? .max, now)
    }

    /// `shouldStop`: retained heap at or under the GOGC goal and mapped memory at or
    /// under the limit goal.
    var scavengerShouldStop: Bool {
        heapRetained <= scavenger.gcPercentGoal && mappedReady <= scavenger.memoryLimitGoal
    }

    /// `bgscavenge`: run whenever the scavenger is due, then sleep as the controller says.
    mutating func runBackgroundScavenger<K: KernelModel>(until now: UInt64, kernel: inout K) throws(ModelError) {
        while let start = scavenger.wakeAt, start <= now {
            scavenger.parked = false
            // scavengerState.run: ≥ 1 ms of work in 64 KiB requests.
            var worked: Double = 0
            var released: UInt64 = 0
            while worked < Self.minScavengeWorkNs {
                if scavengerShouldStop { break }
                let work = try scavenge(bytes: Self.scavengeQuantum, kernel: &kernel)
                worked += work.durationNs == 0 ? 10e3 * Double(work.released / Self.physPageSize) : Double(work.durationNs)
                released += work.released
                if work.released < Self.scavengeQuantum { break }
            }
            scavenger.backgroundCPUNs += UInt64(worked)
            scavenger.releasedBackground += released
            guard released > 0 else { scavenger.wakeAt = nil; scavenger.parked = true; continue }
            // scavengerState.sleep.
            let charged = max(worked, Self.minScavengeWorkNs)
            let sleepNs = charged / scavenger.sleepRatio
            scavenger.wakeAt = start + UInt64(worked) + UInt64(sleepNs)
            if scavenger.controllerCooldownNs > 0 {
                scavenger.controllerCooldownNs -= sleepNs + charged
                continue
            }
            let cpuFraction = charged / ((sleepNs + charged) * Double(gomaxprocs))
            let (ratio, ok) = scavenger.controller.next(input: cpuFraction, setpoint: 0.01, period: sleepNs + charged)
            if ok {
                scavenger.sleepRatio = ratio
            } else {
                scavenger.sleepRatio = 0.001
                scavenger.controllerCooldownNs = 5e9
            }
        }
    }

    /// `scavengeStartGen` (mgcscavenge.go, Go 1.19), called when sweeping completes and by
    /// `debug.FreeOSMemory`: the new walk starts below the highest page freed during the
    /// last one if that lies above where the last walk got to (`freeHWM > scavLWM`), else
    /// it carries on from there (nothing was freed above it).
    mutating func startScavengeGeneration() {
        let start = scavenger.scavLWM < scavenger.freeHWM ? scavenger.freeHWM : scavenger.scavLWM
        scavenger.searchLimit = min(start, pages.chunkCount * PageAllocator.chunkPages)
        scavenger.freeHWM = 0
        scavenger.scavLWM = .max
    }

    /// `pageAlloc.scavenge`: release free, unscavenged pages from the top of the current
    /// generation's walk down until `bytes` are released or the walk reaches the bottom
    /// of the heap (then nothing more is found until the next generation). Returns the
    /// bytes released and the time it took (runtime work plus the kernel's madvise cost).
    mutating func scavenge<K: KernelModel>(bytes: UInt64, kernel: inout K) throws(ModelError) -> (released: UInt64, durationNs: UInt64) {
        var released: UInt64 = 0
        var duration: UInt64 = 0
        let pagesPerHugePage = Int(Self.hugePageSize / SizeClasses.pageSize)
        let chunkPages = PageAllocator.chunkPages
        var limit = min(scavenger.searchLimit, pages.chunkCount * chunkPages)
        while released < bytes && limit > 0 {
            let remaining = bytes - released
            let maxPages = remaining == .max ? Int.max : Int((remaining + SizeClasses.pageSize - 1) >> SizeClasses.pageShift)
            let ci = (limit - 1) / chunkPages
            guard let candidate = pages.scavengeCandidate(chunk: ci, below: limit - ci * chunkPages, maxPages: maxPages,
                                                          pagesPerHugePage: pagesPerHugePage) else {
                limit = ci * chunkPages  // this chunk is searched
                continue
            }
            let address = Self.heapBase + UInt64(candidate.start) << SizeClasses.pageShift
            let length = UInt64(candidate.count) << SizeClasses.pageShift
            duration += config.costs.scavengeCallNs + (try sysUnused(address: address, length: length, kernel: &kernel))
            pages.markScavenged(page: candidate.start, count: candidate.count)
            heapFree -= length
            heapReleased += length
            released += length
            // scavengeOne: the walk continues below the run it released.
            limit = candidate.start
            scavenger.scavLWM = min(scavenger.scavLWM, candidate.start)
        }
        scavenger.searchLimit = limit
        return (released, duration)
    }
}
