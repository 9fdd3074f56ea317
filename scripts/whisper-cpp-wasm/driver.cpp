// The benchmark's driver for whisper.cpp's WebAssembly build (scripts/whisper-cpp.sh links it with
// em++ against whisper.cpp's own static libraries; scripts/bench/whisper-cpp-wasm.ts drives it in
// Chromium). Like examples/whisper.wasm's libmain, but decoding exactly as the native rows do
// (whisper-cli -l en -bs 1 -bo 1 -nf -nt: greedy, no temperature fallback, no timestamps) and
// handing the transcript back to the page instead of printing it.
//
// whisper_full runs on a thread of its own so that the page's main thread stays free (emscripten
// proxies the worker threads' printf and pool start-up through it); the page polls done().
#include "whisper.h"

#include <emscripten/bind.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace {

whisper_context * g_context = nullptr;
std::thread g_worker;
std::atomic<bool> g_done{false};
std::string g_text;
int g_status = 0;

void join() {
    if (g_worker.joinable()) g_worker.join();
}

bool init(const std::string & path) {
    join();
    if (g_context != nullptr) whisper_free(g_context);
    g_context = whisper_init_from_file_with_params(path.c_str(), whisper_context_default_params());
    return g_context != nullptr;
}

// Starts transcribing 16 kHz mono samples; false when there is no model.
bool start(const emscripten::val & audio, int threads) {
    join();
    if (g_context == nullptr) return false;
    std::vector<float> pcm = emscripten::convertJSArrayToNumberVector<float>(audio);
    g_done = false;
    g_text.clear();
    g_worker = std::thread([pcm = std::move(pcm), threads]() {
        whisper_full_params params = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
        params.print_realtime   = false;
        params.print_progress   = false;
        params.print_timestamps = false;
        params.print_special    = false;
        params.language         = "en";
        params.n_threads        = threads;
        params.greedy.best_of   = 1;
        params.temperature_inc  = 0.0f;
        params.no_timestamps    = true;
        whisper_reset_timings(g_context);
        g_status = whisper_full(g_context, params, pcm.data(), (int) pcm.size());
        std::string text;
        for (int i = 0; i < whisper_full_n_segments(g_context); ++i) text += whisper_full_get_segment_text(g_context, i);
        g_text = text;
        whisper_print_timings(g_context);
        g_done = true;
    });
    return true;
}

bool done() { return g_done.load(); }

// whisper_full's return code and the segments' text, once done() is true.
int status() { join(); return g_status; }
std::string text() { join(); return g_text; }

std::string system_info() { return whisper_print_system_info(); }

}  // namespace

EMSCRIPTEN_BINDINGS(whisper_bench) {
    emscripten::function("init", &init);
    emscripten::function("start", &start);
    emscripten::function("done", &done);
    emscripten::function("status", &status);
    emscripten::function("text", &text);
    emscripten::function("systemInfo", &system_info);
}
