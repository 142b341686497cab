// The compress job, phase by phase. Every phase that may fail on some ranks only ends with
// agreeOnFailure before the next collective, so all ranks stop together with one message.
#include "compress_pipeline.h"

#include "data_writer.h"
#include "failure.h"
#include "output_layout.h"
#include "progress.h"
#include "stop_signals.h"
#include "tensor_job.h"
#include "tensor_worker.h"

#include <nzcompress/checkpoint.h>
#include <nzcompress/errors.h>
#include <nzcompress/h5.h>
#include <nzcompress/layout.h>
#include <nzcompress/mpi.h>
#include <nzcompress/plan.h>
#include <nzcompress/report.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sched.h>
#include <string_view>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace nzc::app {
namespace {

namespace fs = std::filesystem;

/// The most tensor data (work bytes) a rank takes into one round; the memory budget can only
/// make rounds smaller.
constexpr std::uint64_t kRoundTargetBytes = std::uint64_t{256} << 20;

plan::Options planOptions(const CompressOptions& o) {
    plan::Options p;
    if (!o.description.empty())
        p.description = checkpoint::loadQuantDescription(o.description);
    p.disableLayers = o.disableLayers;
    p.compressType = plan::parseCompressChoice(o.compressType);
    p.transpose = o.transpose;
    p.pseudoSparse = o.pseudoSparse;
    p.sparseRatio = o.sparseRatio;
    p.seed = o.seed;
    // A round's output is written while the next round is computed: two rounds are held at
    // once, so each gets half the budget. And rounds no larger than kRoundTargetBytes even
    // under a large budget, so that there are several rounds to overlap.
    p.memoryBudget = std::min(o.memoryBudget / 2, kRoundTargetBytes);
    return p;
}

// The options that decide the file's content (not where it goes, nor how many ranks or how
// much memory): recorded as the root attribute "config", compared by --resume.
std::string configJson(const CompressOptions& o, const plan::Plan& plan) {
    std::vector<std::string> disabled;
    for (const plan::TensorPlan& e : plan.tensors) {
        if (e.action == plan::Action::Disable)
            disabled.push_back(e.tensor.name);
    }
    std::sort(disabled.begin(), disabled.end());
    nlohmann::json config = {{"compress_type", o.compressType},
                             {"transpose", o.transpose},
                             {"pseudo_sparse", o.pseudoSparse},
                             {"disable_layers", disabled},
                             {"description", o.description}};
    if (o.pseudoSparse) {
        config["sparse_ratio"] = o.sparseRatio;
        config["seed"] = o.seed;
    }
    return config.dump();
}

// The inputs as given, and the size and modification time of every file holding tensors, so
// that --resume notices a checkpoint rewritten in between.
std::string inputsJson(const CompressOptions& o, const plan::Plan& plan) {
    nlohmann::json files = nlohmann::json::object();
    for (const plan::TensorPlan& e : plan.tensors) {
        if (files.contains(e.tensor.file))
            continue;
        struct stat info {};
        if (::stat(e.tensor.file.c_str(), &info) != 0)
            throw IoError(e.tensor.file, std::string("cannot stat: ") + std::strerror(errno));
        files[e.tensor.file] = {{"bytes", static_cast<std::uint64_t>(info.st_size)},
                                {"modified", static_cast<std::int64_t>(info.st_mtime)}};
    }
    return nlohmann::json{{"paths", o.inputs}, {"files", files}}.dump();
}

void checkOutputPaths(const CompressOptions& o, const std::string& partial) {
    const fs::path folder = fs::path(o.output).parent_path();
    if (!folder.empty() && !fs::is_directory(folder))
        throw IoError(o.output, "the output folder does not exist");
    if (o.resume) {
        if (fs::exists(partial))
            return;
        if (fs::exists(o.output))
            throw UsageError("--resume: " + o.output + " is already complete (no " + partial +
                             " to resume)");
        throw UsageError("--resume: no interrupted run to resume (" + partial + " does not exist)");
    }
    if (fs::exists(o.output) && !o.force)
        throw UsageError(o.output + " already exists; use --force to replace it (it is "
                                    "replaced only when the new file is complete)");
}

// The card's W8A8SC kernel documents a narrower set of shapes than nzcompress compresses.
void warnAboutKernelShapes(const plan::Plan& plan, bool transpose) {
    std::size_t outside = 0;
    std::string first;
    for (const plan::TensorPlan& e : plan.tensors) {
        if (e.action != plan::Action::Compress)
            continue;
        const layout::NdWeight nd{{},
                                  e.tensor.shape[0],
                                  e.tensor.shape[1],
                                  checkpoint::itemSize(e.tensor.dtype),
                                  transpose};
        if (const auto issue = layout::describeKernelShapeIssue(layout::byteShapeOf(nd))) {
            if (outside++ == 0)
                first = e.tensor.name + ": " + *issue;
        }
    }
    if (outside > 0)
        spdlog::warn("{} weight(s) have shapes outside what the W8A8SC kernel documents "
                     "(first: {})",
                     outside, first);
}

// --read-ahead auto: a second thread per rank pays when the rank has a core for it, i.e. it may
// run on at least 2 cores and the node has at least 2 per rank on it. (Ranks bound to one core
// each, or as many ranks as cores, leave none spare.) *Collective*.
bool useReadAhead(const std::string& choice, const mpi::Comm& world) {
    const int ranksHere = world.ranksOnThisNode();
    if (choice != "auto")
        return choice == "yes";
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    const int mine =
        ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : 1;
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    return mine >= 2 && online >= 2L * ranksHere;
}

// HDF5 writes its metadata when the file is flushed, with a collective MPI-IO write; if the
// file system fills up in the middle of one, Open MPI's collective write can leave the ranks
// waiting for each other for good. So a flush starts only with room for what it may write:
// a margin, plus a generous size per dataset created since the last flush. Throws IoError
// (exit 4) otherwise. Local (rank 0 checks; the ranks agree on the outcome).
void ensureRoomForMetadata(const std::string& path, std::size_t datasets) {
    constexpr std::uint64_t kMargin = std::uint64_t{64} << 10;
    constexpr std::uint64_t kPerDataset = std::uint64_t{2} << 10;
    struct statvfs info {};
    if (::statvfs(path.c_str(), &info) != 0)
        return; // cannot tell: the flush reports a full disk itself, if it can
    const std::uint64_t free = static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
    const std::uint64_t needed = kMargin + kPerDataset * datasets;
    if (free < needed)
        throw IoError(path, fmt::format("no space left on the file system for the file's "
                                        "metadata: {} bytes free, {} needed",
                                        free, needed));
}

// A stop signal ends the run with exit code 5 once the tensors finished so far are written.
InterruptedError stoppedError(int signal, const std::string& partial) {
    return InterruptedError(std::string("stopped by ") + signalName(signal) +
                            "; the finished tensors are kept in " + partial +
                            ": run the same command with --resume to finish");
}

// Every rank's list of plan indices, joined. *Collective*.
std::vector<std::size_t> gatherIndices(const mpi::Comm& world,
                                       const std::vector<std::size_t>& mine) {
    nlohmann::json list = mine;
    std::vector<std::size_t> all;
    for (const auto& record : world.allgatherv(nlohmann::json::to_cbor(list))) {
        for (const std::size_t index :
             nlohmann::json::from_cbor(record).get<std::vector<std::size_t>>())
            all.push_back(index);
    }
    return all;
}

// Ends the run after an agreed failure while the partial file is open: completes any progress
// report in flight, then closes the file on every rank. After an I/O failure (typically a
// full disk) HDF5 cannot flush its metadata, and a file it failed to close crashes HDF5's
// own shutdown in MPI_Finalize; so the partial file (useless then) is first truncated to free
// the space, closed, and removed. Writes still in flight are waited for first (their errors
// are already part of `code` or do not matter anymore). *Collective*.
int stopWith(int code, std::optional<h5::File>& file, Progress* progress, const mpi::Comm& world,
             DataWriter* writer = nullptr) {
    if (writer != nullptr) {
        try {
            writer->wait();
        } catch (const Error&) {
        }
    }
    if (progress != nullptr)
        progress->finish();
    if (!file)
        return code;
    const std::string path = file->path();
    const bool ioFailure = code == static_cast<int>(ExitCode::Io);
    if (ioFailure) {
        world.barrier(); // every rank is done writing
        if (world.isRoot() && ::truncate(path.c_str(), 0) != 0)
            spdlog::warn("{}: cannot truncate: {}", path, std::strerror(errno));
        world.barrier();
    }
    try {
        file->close();
    } catch (const Error& error) {
        spdlog::warn("{}", error.what());
        file->abandon();
    }
    if (ioFailure && world.isRoot()) {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
    return code;
}

} // namespace

int runCompressPipeline(const CompressOptions& o, const mpi::Comm& world) {
    Failure failure;
    const std::string partial = o.output + kPartialSuffix;
    // --log-level debug: when each phase ended, on rank 0.
    const auto begin = std::chrono::steady_clock::now();
    const auto phaseDone = [&](std::string_view phase) {
        if (world.isRoot())
            spdlog::debug(
                "{} at {:.3f} s", phase,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    };

    // 1. Rank 0: headers, plan, validation. Nothing is written before all of it passed.
    std::vector<std::uint8_t> planBytes;
    std::string config;
    std::string inputs;
    if (world.isRoot()) {
        try {
            const checkpoint::Checkpoint table = checkpoint::Checkpoint::open(o.inputs);
            const plan::Plan made = plan::makePlan(table.tensors(), planOptions(o), world.size());
            if (!o.dryRun)
                checkOutputPaths(o, partial);
            planBytes = plan::serialize(made);
            config = configJson(o, made);
            inputs = inputsJson(o, made);
            warnAboutKernelShapes(made, o.transpose);
        } catch (...) {
            failure.capture();
        }
    }
    if (const int code = agreeOnFailure(world, failure))
        return code;
    world.broadcast(planBytes);
    config = world.broadcast(config);
    inputs = world.broadcast(inputs);
    const plan::Plan plan = plan::deserialize(planBytes);
    if (o.dryRun) {
        if (world.isRoot())
            std::fputs(plan::renderPlan(plan).c_str(), stdout);
        return 0;
    }

    phaseDone("plan");
    // 2. The partial file: new, or reopened for --resume.
    // Reads tensors by their table entries (which name the file): no table of its own.
    const checkpoint::Checkpoint reader = checkpoint::Checkpoint::open({});
    std::optional<h5::File> file;
    std::vector<bool> done(plan.tensors.size(), false);
    try {
        if (o.resume) {
            try {
                file.emplace(h5::File::openParallel(partial, world));
            } catch (const IoError& error) {
                throw IoError(partial, "cannot reopen the interrupted run's file (" +
                                           error.reason() +
                                           "); it may be damaged: start again without --resume");
            }
            checkResumable(*file, config, inputs);
            done = findDone(*file, plan);
        } else {
            if (world.isRoot() && fs::exists(partial))
                spdlog::warn("replacing {} left by an earlier run (use --resume to continue it)",
                             partial);
            file.emplace(h5::File::createParallel(partial, world, true));
            initializeOutput(*file, config, inputs);
            file->flush(); // a run killed from now on leaves a partial file --resume accepts
        }
    } catch (...) {
        failure.capture();
    }
    if (const int code = agreeOnFailure(world, failure))
        return stopWith(code, file, nullptr, world);
    if (o.resume) {
        // The done markers follow a flush of the data, but the file may still have been
        // damaged since (storage, a copy, a hand edit): every done tensor is checked against
        // its checksum by the rank that would compute it, and one that fails is done again.
        std::vector<std::size_t> damaged;
        std::string firstReason;
        const auto checkBegin = std::chrono::steady_clock::now();
        try {
            damaged = findDamaged(*file, plan, done, reader, world.rank(), firstReason);
        } catch (...) {
            failure.capture();
        }
        if (const int code = agreeOnFailure(world, failure))
            return stopWith(code, file, nullptr, world);
        if (!firstReason.empty())
            spdlog::warn("{}: {} (doing it again)", partial, firstReason);
        const std::vector<std::size_t> redo = gatherIndices(world, damaged);
        for (const std::size_t i : redo)
            done[i] = false;
        if (world.isRoot() && !redo.empty())
            spdlog::warn("{} done tensor(s) of {} failed their checksum and are done again",
                         redo.size(), partial);
        if (world.isRoot())
            spdlog::info(
                "checked the done tensors' data in {:.2f} s",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - checkBegin)
                    .count());
        try {
            removeUnfinished(*file, plan, done);
        } catch (...) {
            failure.capture();
        }
        if (const int code = agreeOnFailure(world, failure))
            return stopWith(code, file, nullptr, world);
    }
    const auto resumed = static_cast<std::size_t>(std::count(done.begin(), done.end(), true));
    if (world.isRoot() && o.resume)
        spdlog::info("resuming: {} of {} tensors already done", resumed, plan.tensors.size());

    // 3. Rounds. The worker thread computes my tensors round after round; for each round the
    // main thread collects my outputs, agrees on sizes with the other ranks, creates the
    // datasets collectively and hands my bytes to the writer thread, then marks the round done
    // once its data are on disk. The worker runs at most one round ahead of the writes: it
    // computes round r + 1 while round r is agreed on and written, so two rounds are held at
    // a time (each planned within half the budget).
    const JobSettings settings{o.transpose, o.pseudoSparse, o.sparseRatio, o.seed};
    std::uint64_t totalBytes = 0;
    for (const plan::TensorPlan& e : plan.tensors)
        totalBytes += e.tensor.bytes;
    Progress progress(world.dup(), o.progressSeconds, plan.tensors.size(), totalBytes);
    std::vector<std::size_t> mine; // plan indices, in round order
    for (std::size_t i = 0; i < plan.tensors.size(); ++i) {
        if (plan.tensors[i].rank != world.rank())
            continue;
        if (done[i])
            progress.add(1, plan.tensors[i].tensor.bytes);
        else
            mine.push_back(i);
    }
    std::stable_sort(mine.begin(), mine.end(), [&](std::size_t a, std::size_t b) {
        return plan.tensors[a].round < plan.tensors[b].round;
    });
    // The memory my tensors of each round take while computed (the plan's estimate).
    std::vector<std::uint64_t> roundBytes(static_cast<std::size_t>(plan.rounds) + 1, 0);
    for (const std::size_t i : mine)
        roundBytes[static_cast<std::size_t>(plan.tensors[i].round)] += plan.tensors[i].workBytes;
    // Whether the worker may compute round r + 1 while round r is being written: always, but
    // for a round of one tensor larger than half the budget.
    const auto overlapFits = [&](int round) {
        const auto r = static_cast<std::size_t>(round);
        return roundBytes[r] + roundBytes[r + 1] <= o.memoryBudget;
    };
    std::vector<report::TensorStats> myStats;
    StopAgreement stop(world.dup());
    std::optional<DataWriter> writer;
    try {
        writer.emplace(partial);
    } catch (...) {
        failure.capture();
    }
    if (const int code = agreeOnFailure(world, failure))
        return stopWith(code, file, nullptr, world);
    const bool readAhead = useReadAhead(o.readAhead, world);
    if (world.isRoot())
        spdlog::debug("read-ahead {}", readAhead ? "on" : "off");
    phaseDone("file ready");
    TensorWorker worker(plan, std::move(mine), reader, settings, overlapFits(0) ? 1 : 0, readAhead);
    // Lets the worker compute round `next` once the bytes handed to the writer so far are
    // written, which frees their memory (their sync may still run). A write failure is kept
    // by the writer and agreed on in markDoneAfterSync.
    const auto allowOnceWritten = [&](int next) {
        try {
            writer->waitWritten();
        } catch (const Error&) {
        }
        worker.allowRound(next);
    };
    // The tensors written in the last round and not yet marked done (the same on every rank).
    std::vector<OutputMeta> unmarked;
    // The markers go in only after the data reached the disk, and are flushed themselves so
    // that a killed job keeps the round. Each step is agreed on before the next collective
    // call: writing the metadata can fail on some ranks only (each writes its share), and a
    // rank that left a flush with an error must not leave the others waiting in markDone.
    // Returns the agreed exit code (0: marked). *Collective*.
    const auto markDoneAfterSync = [&](std::vector<OutputMeta>& metas) -> int {
        if (metas.empty())
            return 0;
        Failure marking;
        try {
            writer->wait();
        } catch (...) {
            marking.capture();
        }
        if (const int code = agreeOnFailure(world, marking))
            return code;
        for (const bool mark : {false, true}) {
            // Rank 0 checks the room, and every rank learns the outcome before the flush.
            try {
                if (world.isRoot())
                    ensureRoomForMetadata(partial, mark ? 0 : 3 * metas.size());
            } catch (...) {
                marking.capture();
            }
            if (const int code = agreeOnFailure(world, marking))
                return code;
            try {
                if (mark)
                    markDone(*file, plan, metas);
                file->flush();
            } catch (...) {
                marking.capture();
            }
            if (const int code = agreeOnFailure(world, marking))
                return code;
        }
        metas.clear();
        return 0;
    };
    for (int round = 0; round < plan.rounds; ++round) {
        // 3a. My outputs of the round. While waiting, rank 0 reports progress, and a signal
        // or a stop agreed by the ranks stops the worker at a tensor boundary; what it
        // finished is kept.
        bool wantStop = false;
        while (!worker.waitForRound(round, std::chrono::milliseconds(20))) {
            progress.tick();
            if (!wantStop && (stopSignal() != 0 || stop.check())) {
                wantStop = true;
                worker.requestStop();
            }
        }
        phaseDone(fmt::format("round {} computed", round));
        std::vector<TensorOutput> outputs;
        try {
            outputs = worker.takeRound(round);
        } catch (...) {
            failure.capture();
        }
        // With the previous round written, the worker may go on with the next round while this
        // rank waits for the others.
        if (overlapFits(round))
            allowOnceWritten(round + 1);
        stop.finishRound(wantStop || failure.failed() || stopSignal() != 0);
        // The previous round's data had this round's compute time to reach the disk.
        if (const int code = markDoneAfterSync(unmarked))
            return stopWith(code, file, &progress, world, &*writer);
        // A failed tensor ends the run without writing the round: the input or the system
        // needs fixing first, and --resume refuses a changed input anyway.
        if (const int code = agreeOnFailure(world, failure))
            return stopWith(code, file, &progress, world, &*writer);

        // 3b. Agree on the sizes, create the datasets collectively, hand my bytes to the
        // writer.
        std::vector<OutputMeta> metas;
        {
            std::vector<OutputMeta> myMetas;
            for (const TensorOutput& output : outputs)
                myMetas.push_back(metaOf(output, world.rank()));
            for (const auto& record : world.allgatherv(serializeMetas(myMetas))) {
                for (OutputMeta& meta : deserializeMetas(record))
                    metas.push_back(meta);
            }
        }
        // Creation order by name: the same on every rank and for any number of ranks.
        std::sort(metas.begin(), metas.end(), [&](const OutputMeta& a, const OutputMeta& b) {
            return plan.tensors[a.planIndex].tensor.name < plan.tensors[b.planIndex].tensor.name;
        });
        std::optional<RoundOutput> written;
        try {
            written.emplace(*file, plan, metas, settings);
        } catch (...) {
            failure.capture();
        }
        if (const int code = agreeOnFailure(world, failure))
            return stopWith(code, file, &progress, world, &*writer);
        // Where my bytes go, then the collective close (also after a failure, on every rank).
        std::vector<DataWriter::Piece> pieces;
        try {
            pieces = written->pieces(outputs);
        } catch (...) {
            failure.capture();
        }
        try {
            written->close();
        } catch (...) {
            failure.capture();
        }
        if (const int code = agreeOnFailure(world, failure))
            return stopWith(code, file, &progress, world, &*writer);

        for (const TensorOutput& output : outputs) {
            const plan::TensorPlan& e = plan.tensors[output.planIndex];
            report::TensorStats s;
            s.name = e.tensor.name;
            s.rank = world.rank();
            s.kind = e.action == plan::Action::Compress  ? report::Kind::Compressed
                     : e.action == plan::Action::Disable ? report::Kind::Disabled
                                                         : report::Kind::Passthrough;
            s.originalBytes = e.tensor.bytes;
            s.originalElements = e.tensor.elements();
            s.storedBytes = output.weight.size() + output.index.size();
            s.seconds = output.seconds;
            myStats.push_back(std::move(s));
            progress.add(1, e.tensor.bytes);
        }
        progress.tick();
        // The writes run on the writer's thread while the next round is computed; a failure
        // (a full disk) comes out of the wait before the markers, which all ranks agree on.
        try {
            writer->start(std::move(pieces),
                          std::make_shared<const std::vector<TensorOutput>>(std::move(outputs)));
        } catch (...) {
            failure.capture();
        }
        // This round and the next do not fit in the budget together: the next one starts once
        // this one is written.
        if (!overlapFits(round))
            allowOnceWritten(round + 1);

        // 3c. This round's tensors are marked done once their data are on disk: now for the
        // last round, otherwise after the next round is computed while the disk writes them.
        unmarked = std::move(metas);
        if (round + 1 == plan.rounds) { // the same on every rank: the decision is collective
            if (const int code = markDoneAfterSync(unmarked))
                return stopWith(code, file, &progress, world, &*writer);
        }

        // 3d. A stop agreed in the round, or a signal that came while writing: the rank that
        // got the signal says so, every rank exits with code 5, keeping what was written.
        // (A stop agreed in the round implies that some rank holds a signal.)
        if (const int signal = stopSignal())
            failure = {static_cast<int>(ExitCode::Interrupted),
                       stoppedError(signal, partial).what()};
        if (const int code = agreeOnFailure(world, failure)) {
            const int markCode = markDoneAfterSync(unmarked);
            return stopWith(markCode != 0 ? markCode : code, file, &progress, world, &*writer);
        }
    }
    progress.finish();

    phaseDone("rounds written");
    // 4. Close on every rank, then rank 0 finishes the file and reports.
    try {
        file->close();
    } catch (...) {
        failure.capture();
        file->abandon(); // see stopWith: a failed close must not be retried
    }
    if (const int code = agreeOnFailure(world, failure))
        return code;
    const auto gathered = world.gatherv(report::serialize(myStats));
    if (world.isRoot()) {
        try {
            std::vector<report::TensorStats> stats;
            for (const auto& record : gathered) {
                for (report::TensorStats& s : report::deserialize(record))
                    stats.push_back(std::move(s));
            }
            phaseDone("closed");
            stats = finishOutput(partial, o.output, plan, std::move(stats));
            phaseDone("finished");
            if (o.debug) {
                std::fputs(report::debugTable(stats).c_str(), stdout);
                std::fputs((report::finalRatioLine(report::summarize(stats)) + "\n").c_str(),
                           stdout);
                std::fflush(stdout);
            }
            if (!o.report.empty()) {
                std::ofstream out(o.report);
                out << report::toJson(stats).dump(2) << "\n";
                out.close();
                if (!out)
                    throw IoError(o.report, "cannot write the report");
            }
            spdlog::info("wrote {} ({} tensors)", o.output, plan.tensors.size());
        } catch (...) {
            failure.capture();
        }
    }
    return agreeOnFailure(world, failure);
}

} // namespace nzc::app
