#include "app/cascade_completion.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

namespace events {

CascadeCompletion::CascadeCompletion(DocumentService& service, std::chrono::milliseconds interval)
    : thread_([&service, interval](std::stop_token stop) {
          std::mutex m;
          std::condition_variable_any cv;
          while (!stop.stop_requested()) {
              try {
                  if (int n = service.complete_abandoned_cascades(); n > 0)
                      spdlog::info("{} cascade(s) cut short completed", n);
              } catch (const std::exception& e) {
                  spdlog::warn("cascades cut short not looked for: {}", e.what());
              }
              std::unique_lock lock(m);
              if (cv.wait_for(lock, stop, interval, [] { return false; })) break;
          }
      }) {}

}  // namespace events
