// The stop request is one sig_atomic_t written by the handler and read between tensors.
#include "stop_signals.h"

#include <csignal>
#include <initializer_list>
#include <unistd.h>

namespace nzc::app {
namespace {

volatile std::sig_atomic_t requested = 0;

extern "C" void onStopSignal(int signal) {
    if (requested != 0)
        ::_exit(5); // second signal: the user means it (exit code "interrupted")
    requested = signal;
}

} // namespace

void installStopSignals() {
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART; // reads and writes in progress continue
    for (const int signal : {SIGTERM, SIGINT, SIGUSR1})
        sigaction(signal, &action, nullptr);
}

int stopSignal() {
    return requested;
}

const char* signalName(int signal) {
    switch (signal) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGUSR1:
        return "SIGUSR1";
    default:
        return "a signal";
    }
}

} // namespace nzc::app
