// Native side of a producer: a mechanical map of librdkafka's producer C API over the
// client core (client.h).
//
// No policy lives here (no validation beyond what protects memory, no retries, no state
// machine, no promises per message): lib/producer/ decides everything and calls in with
// plain, already-validated values in typed-array rows.
//
// Ownership: the Producer owns its Client (the handles); the report, row and header-length
// arrays are Float64Arrays owned by JS, referenced for the Producer's lifetime.
#pragma once

#include <napi.h>

#include <functional>

#include <optional>

#include "client.h"

namespace ironkafka {

// Columns of one delivery-report row in the shared report array (all values fit a double:
// offsets < 2^53, ids are JS-assigned integers). Exported as Producer.REPORT_COLUMNS.
enum ReportColumn : uint32_t {
  kReportId = 0,
  kReportPartition,
  kReportOffset,
  kReportTimestamp,
  kReportError,
  kReportStatus,
  kReportStride
};

// Columns of one record row of produce(): the numbers of a record whose bytes lie one after
// the other in the arena Buffer: key, value, then each header's name and value (a length of
// -1 means null). The header lengths are pairs in the header-length array, from kRowHeaderAt.
// kRowError is written back: the record's produce result. Exported as Producer.ROW_COLUMNS.
enum RowColumn : uint32_t {
  kRowTopic = 0,
  kRowPartition,
  kRowTimestamp,
  kRowId,
  kRowKeyLen,
  kRowValueLen,
  kRowHeaderCount,
  kRowHeaderAt,
  kRowError,
  kRowStride
};

class Producer : public Napi::ObjectWrap<Producer> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Producer(const Napi::CallbackInfo& info);

 private:
  Napi::Value Topic(const Napi::CallbackInfo& info);
  Napi::Value Produce(const Napi::CallbackInfo& info);
  Napi::Value Drain(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Metadata(const Napi::CallbackInfo& info);
  Napi::Value Purge(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);
  Napi::Value OutqLen(const Napi::CallbackInfo& info);
  Napi::Value FatalError(const Napi::CallbackInfo& info);
  Napi::Value BrokerStateCounts(const Napi::CallbackInfo& info);
  Napi::Value SetToken(const Napi::CallbackInfo& info);
  Napi::Value SetTokenFailure(const Napi::CallbackInfo& info);
  Napi::Value SetCredentials(const Napi::CallbackInfo& info);
  Napi::Value InitTransactions(const Napi::CallbackInfo& info);
  Napi::Value BeginTransaction(const Napi::CallbackInfo& info);
  Napi::Value CommitTransaction(const Napi::CallbackInfo& info);
  Napi::Value AbortTransaction(const Napi::CallbackInfo& info);
  Napi::Value SendOffsetsToTransaction(const Napi::CallbackInfo& info);
  Napi::Value TxnCall(const Napi::CallbackInfo& info, const char* name, std::function<rd_kafka_error_t*(rd_kafka_t*)> call);

  Napi::Reference<Napi::Float64Array> reportRef_;
  double* report_ = nullptr;
  uint32_t reportRows_ = 0;
  std::optional<Client> client_;
};

}  // namespace ironkafka
