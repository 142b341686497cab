// GoogleTest main for tests run under mpiexec: initialises MPI, keeps the output of rank 0
// only (other ranks print just their failures), and makes every rank exit with failure if
// any rank failed a test, so CTest sees a failure wherever it happened.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>

namespace {

// Prints failures of a rank > 0 with its rank, so they are not lost when its output is
// otherwise silenced.
class FailureReporter : public testing::EmptyTestEventListener {
public:
    explicit FailureReporter(int rank) : rank_(rank) {}
    void OnTestPartResult(const testing::TestPartResult& result) override {
        if (result.failed())
            std::fprintf(stderr, "[rank %d] %s:%d: failure\n%s\n", rank_,
                         result.file_name() != nullptr ? result.file_name() : "?",
                         result.line_number(), result.summary());
    }

private:
    int rank_;
};

} // namespace

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {
        testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
        listeners.Append(new FailureReporter(rank));
    }
    const int mine = RUN_ALL_TESTS();
    int worst = 0;
    MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0 && worst != 0 && mine == 0)
        std::fprintf(stderr, "a test failed on a rank other than 0 (see its messages)\n");
    MPI_Finalize();
    return worst;
}
