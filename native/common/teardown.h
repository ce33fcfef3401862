// Stopping librdkafka threads before the environment they report to goes away.
//
// Every native object that holds librdkafka threads registers itself with its environment's
// TeardownRegistry; the environment cleanup hook (Worker exit, process exit) calls
// TeardownNow() on whatever is still live. A handle collected by GC without close() cannot
// block the JS thread, so it is destroyed on a detached thread, which the cleanup hook waits
// for (bounded) so none of them races process exit.
#pragma once

#include <functional>
#include <set>

namespace ironkafka {

class Teardown {
 public:
  virtual ~Teardown() = default;
  // Called on the JS thread during environment cleanup; may block briefly (the env is ending).
  virtual void TeardownNow() = 0;
};

class TeardownRegistry {
 public:
  void Track(Teardown* t) { live_.insert(t); }
  void Untrack(Teardown* t) { live_.erase(t); }
  // Tears down every live object, then waits up to `backgroundTimeoutMs` for detached destroys.
  void TeardownAll(int backgroundTimeoutMs);

 private:
  std::set<Teardown*> live_;
};

void DestroyInBackground(std::function<void()> destroy);

}  // namespace ironkafka
