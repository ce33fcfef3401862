#include "teardown.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ironkafka {

namespace {
std::mutex bgMutex;
std::condition_variable bgDone;
int bgRunning = 0;

void WaitForBackgroundDestroys(int timeoutMs) {
  std::unique_lock<std::mutex> lock(bgMutex);
  bgDone.wait_for(lock, std::chrono::milliseconds(timeoutMs), [] { return bgRunning == 0; });
}
}  // namespace

void TeardownRegistry::TeardownAll(int backgroundTimeoutMs) {
  // TeardownNow() untracks itself, so iterate over a copy.
  std::set<Teardown*> live = live_;
  for (Teardown* t : live) t->TeardownNow();
  WaitForBackgroundDestroys(backgroundTimeoutMs);
}

void DestroyInBackground(std::function<void()> destroy) {
  {
    std::lock_guard<std::mutex> lock(bgMutex);
    bgRunning++;
  }
  std::thread([destroy = std::move(destroy)]() mutable {
    destroy();
    destroy = nullptr;  // release captured handles before signalling completion
    std::lock_guard<std::mutex> lock(bgMutex);
    bgRunning--;
    bgDone.notify_all();
  }).detach();
}

}  // namespace ironkafka
