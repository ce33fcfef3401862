#include "producer.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "common/args.h"

namespace ironkafka {

Napi::Function Producer::Define(Napi::Env env) {
  return DefineClass(
      env, "NativeProducer",
      {
          InstanceMethod("topic", &Producer::Topic),
          InstanceMethod("produce", &Producer::Produce),
          InstanceMethod("drain", &Producer::Drain),
          InstanceMethod("flush", &Producer::Flush),
          InstanceMethod("metadata", &Producer::Metadata),
          InstanceMethod("purge", &Producer::Purge),
          InstanceMethod("close", &Producer::Close),
          InstanceMethod("ref", &Producer::Ref),
          InstanceMethod("unref", &Producer::Unref),
          InstanceMethod("outqLen", &Producer::OutqLen),
          InstanceMethod("fatalError", &Producer::FatalError),
          InstanceMethod("brokerStates", &Producer::BrokerStateCounts),
          InstanceMethod("setToken", &Producer::SetToken),
          InstanceMethod("setTokenFailure", &Producer::SetTokenFailure),
          InstanceMethod("setCredentials", &Producer::SetCredentials),
          InstanceMethod("initTransactions", &Producer::InitTransactions),
          InstanceMethod("beginTransaction", &Producer::BeginTransaction),
          InstanceMethod("commitTransaction", &Producer::CommitTransaction),
          InstanceMethod("abortTransaction", &Producer::AbortTransaction),
          InstanceMethod("sendOffsetsToTransaction", &Producer::SendOffsetsToTransaction),
          StaticValue("REPORT_COLUMNS", Columns(env, {{"id", kReportId},
                                                      {"partition", kReportPartition},
                                                      {"offset", kReportOffset},
                                                      {"timestamp", kReportTimestamp},
                                                      {"error", kReportError},
                                                      {"status", kReportStatus},
                                                      {"stride", kReportStride}})),
          StaticValue("ROW_COLUMNS", Columns(env, {{"topic", kRowTopic},
                                                   {"partition", kRowPartition},
                                                   {"timestamp", kRowTimestamp},
                                                   {"id", kRowId},
                                                   {"keyLen", kRowKeyLen},
                                                   {"valueLen", kRowValueLen},
                                                   {"headerCount", kRowHeaderCount},
                                                   {"headerAt", kRowHeaderAt},
                                                   {"error", kRowError},
                                                   {"stride", kRowStride}})),
      });
}

// new NativeProducer(configPairs: string[], report: Float64Array, tokenProvider: boolean)
// configPairs is a flat [name, value, ...] list already validated by lib/; delivery reports
// are copied into `report` (ReportColumn rows) by drain().
Producer::Producer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Producer>(info) {
  Napi::Env env = info.Env();
  auto report = RequireFloat64Array(info[1], "report", kReportStride);
  reportRows_ = static_cast<uint32_t>(report.ElementLength() / kReportStride);
  report_ = report.Data();
  reportRef_ = Napi::Persistent(report);
  // Everything librdkafka reports reaches us as events on the main queue.
  client_.emplace(env, info.This().As<Napi::Object>(), info[0], RD_KAFKA_PRODUCER,
                  RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_STATS | RD_KAFKA_EVENT_LOG,
                  info[2].ToBoolean().Value());
}

// topic(name) -> index into the cached topic handles. lib/ caches name -> index, so each
// topic is looked up once per producer instead of per message.
Napi::Value Producer::Topic(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = client_->Handle(info.Env());
  std::string name = RequireString(info[0], "topic");
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, name.c_str(), nullptr);
  if (!t) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    throw client_->errors().Make(info.Env(), err, "topic '" + name + "': " + rd_kafka_err2str(err));
  }
  auto& topics = client_->handles().topics;
  topics.emplace_back(t);
  return Napi::Number::New(info.Env(), static_cast<double>(topics.size() - 1));
}

// produce(rows: Float64Array, n, arena: Buffer, headerLens: Float64Array) -> records handled.
// Produces n records in one crossing: row i (RowColumn) holds record i's numbers and the
// lengths of its key and value, whose bytes follow each other in `arena`, then its headers'
// names and values, whose lengths are pairs in `headerLens` from the row's kRowHeaderAt. Each
// handled record gets its result in kRowError (0 = queued; any other error fails only that
// record). Never blocks: stops before the first record librdkafka refuses with _QUEUE_FULL,
// so lib/ keeps the rest, in order, for when there is room.
Napi::Value Producer::Produce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto rowsArray = RequireFloat64Array(info[0], "rows");
  auto lensArray = RequireFloat64Array(info[3], "headerLens");
  if (!info[2].IsBuffer()) throw Napi::TypeError::New(env, "arena must be a Buffer");
  double* rows = rowsArray.Data();
  const double* lens = lensArray.Data();
  const size_t lensCount = lensArray.ElementLength();
  const size_t n = info[1].As<Napi::Number>().Uint32Value();
  if (n > rowsArray.ElementLength() / kRowStride) throw Napi::RangeError::New(env, "more rows than the array holds");
  auto arena = info[2].As<Napi::Buffer<char>>();
  const char* bytes = arena.Data();
  const size_t size = arena.Length();
  rd_kafka_t* rk = client_->rk();
  auto& topicHandles = client_->handles().topics;

  // A length in the arena: -1 (null) or 0..remaining; anything else refuses the whole call.
  auto span = [&](double len, size_t& at) -> bool {
    if (len == -1) return true;
    if (!(len >= 0 && len <= static_cast<double>(size - at))) return false;
    at += static_cast<size_t>(len);
    return true;
  };
  // What protects memory, checked for every row before any is produced (a bad call queues
  // nothing): each topic handle exists and all bytes lie inside the arena.
  const double topics = static_cast<double>(topicHandles.size());
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const double* row = rows + i * kRowStride;
    if (!(row[kRowTopic] >= 0 && row[kRowTopic] < topics)) throw Napi::RangeError::New(env, "unknown topic index");
    bool ok = span(row[kRowKeyLen], at) && span(row[kRowValueLen], at);
    const double count = row[kRowHeaderCount];
    const double from = row[kRowHeaderAt];
    if (count != 0) {
      ok = ok && count > 0 && from >= 0 && count * 2 <= static_cast<double>(lensCount) &&
           from <= static_cast<double>(lensCount) - count * 2;
      for (size_t h = 0; ok && h < static_cast<size_t>(count) * 2; h++) {
        const double len = lens[static_cast<size_t>(from) + h];
        ok = (h % 2 == 0 ? len >= 0 : true) && span(len, at);
      }
    }
    if (!ok) throw Napi::RangeError::New(env, "row lengths exceed the arena");
  }

  at = 0;  // arena offset of record i's key
  size_t i = 0;
  for (; i < n; i++) {
    double* row = rows + i * kRowStride;
    if (!rk) {
      row[kRowError] = RD_KAFKA_RESP_ERR__DESTROY;
      continue;
    }
    const size_t start = at;
    const double keyLen = row[kRowKeyLen];
    const double valueLen = row[kRowValueLen];
    const void* key = keyLen < 0 ? nullptr : bytes + at;
    at += keyLen > 0 ? static_cast<size_t>(keyLen) : 0;
    void* value = valueLen < 0 ? nullptr : const_cast<char*>(bytes + at);
    at += valueLen > 0 ? static_cast<size_t>(valueLen) : 0;
    HeadersPtr headers;
    const size_t headerCount = static_cast<size_t>(row[kRowHeaderCount]);
    if (headerCount > 0) {
      headers.reset(rd_kafka_headers_new(headerCount));
      const double* pair = lens + static_cast<size_t>(row[kRowHeaderAt]);
      for (size_t h = 0; h < headerCount; h++, pair += 2) {
        const char* name = bytes + at;
        const size_t nameLen = static_cast<size_t>(pair[0]);
        at += nameLen;
        const char* hv = pair[1] < 0 ? nullptr : bytes + at;
        const ssize_t hvLen = pair[1] < 0 ? -1 : static_cast<ssize_t>(pair[1]);
        at += hvLen > 0 ? static_cast<size_t>(hvLen) : 0;
        rd_kafka_header_add(headers.get(), name, static_cast<ssize_t>(nameLen), hv, hvLen);
      }
    }
    rd_kafka_vu_t vu[8];
    size_t k = 0;
    vu[k].vtype = RD_KAFKA_VTYPE_RKT;
    vu[k++].u.rkt = topicHandles[static_cast<size_t>(row[kRowTopic])].get();
    vu[k].vtype = RD_KAFKA_VTYPE_PARTITION;
    vu[k++].u.i32 = static_cast<int32_t>(row[kRowPartition]);
    vu[k].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vu[k++].u.i = RD_KAFKA_MSG_F_COPY;
    vu[k].vtype = RD_KAFKA_VTYPE_KEY;
    vu[k].u.mem.ptr = const_cast<void*>(key);
    vu[k++].u.mem.size = keyLen > 0 ? static_cast<size_t>(keyLen) : 0;
    vu[k].vtype = RD_KAFKA_VTYPE_VALUE;
    vu[k].u.mem.ptr = value;
    vu[k++].u.mem.size = valueLen > 0 ? static_cast<size_t>(valueLen) : 0;
    vu[k].vtype = RD_KAFKA_VTYPE_OPAQUE;
    vu[k++].u.ptr = reinterpret_cast<void*>(static_cast<uintptr_t>(row[kRowId]));
    // 0 = now (librdkafka's convention; lib/ refuses an explicit 0).
    vu[k].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vu[k++].u.i64 = static_cast<int64_t>(row[kRowTimestamp]);
    if (headers) {
      vu[k].vtype = RD_KAFKA_VTYPE_HEADERS;
      vu[k++].u.headers = headers.get();
    }
    ErrorPtr error(rd_kafka_produceva(rk, vu, k));
    const rd_kafka_resp_err_t err = error ? rd_kafka_error_code(error.get()) : RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      at = start;
      break;
    }
    if (!err) headers.release();  // librdkafka owns the headers once the message is queued
    row[kRowError] = err;
  }
  return Napi::Number::New(env, static_cast<double>(i));
}

// drain(max, events: object[]) -> number of delivery-report rows written.
// Hands over at most `max` items in queue order: delivery-report rows into the report array,
// other events (errors, stats, logs) appended to `events`. Never waits (timeout 0). When
// rows + events.length == max, more may remain and lib/ schedules another slice; librdkafka
// only signals again once the queue has been emptied, so an item must never be dropped here.
Napi::Value Producer::Drain(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ClientHandles& h = client_->handles();
  if (!h.rk) return Napi::Number::New(env, 0);
  const uint32_t max = std::min(info[0].As<Napi::Number>().Uint32Value(), reportRows_);
  auto events = info[1].As<Napi::Array>();
  uint32_t rows = 0;
  uint32_t handed = 0;  // rows + events: what counts against `max`

  while (handed < max) {
    if (!h.cur) {
      rd_kafka_event_t* ev = rd_kafka_queue_poll(h.queue.get(), 0);
      if (!ev) break;
      if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DR) {
        // Kept across calls until every message in it has been copied out: destroying a DR
        // event destroys its messages, and with them reports nobody has seen.
        h.cur.reset(ev);
      } else {
        EventPtr owned(ev);
        Napi::Value o = Client::EventObject(env, ev);
        if (o.IsEmpty()) continue;  // not a type we enabled; nothing to hand over
        events.Set(events.Length(), o);
        handed++;
        continue;
      }
    }
    // h.cur is set and handed < max: copy reports until the budget or the event runs out.
    bool exhausted = false;
    while (handed < max) {
      const rd_kafka_message_t* m = rd_kafka_event_message_next(h.cur.get());
      if (m == nullptr) {
        exhausted = true;
        break;
      }
      double* row = report_ + static_cast<size_t>(rows) * kReportStride;
      rd_kafka_timestamp_type_t tstype;
      row[kReportId] = static_cast<double>(reinterpret_cast<uintptr_t>(m->_private));
      row[kReportPartition] = m->partition;
      row[kReportOffset] = static_cast<double>(m->offset);
      row[kReportTimestamp] = static_cast<double>(rd_kafka_message_timestamp(m, &tstype));
      row[kReportError] = m->err;
      row[kReportStatus] = rd_kafka_message_status(m);
      rows++;
      handed++;
    }
    if (exhausted) h.cur.reset();  // every message copied out; frees them
  }
  return Napi::Number::New(env, rows);
}

// flush(timeoutMs) -> Promise<error code>: one rd_kafka_flush on the worker. lib/ calls it in
// short slices (so no pool thread is held long and teardown never waits long); with
// event-based delivery reports librdkafka waits for lib/ to drain them meanwhile.
Napi::Value Producer::Flush(const Napi::CallbackInfo& info) {
  const int timeout = info[0].As<Napi::Number>().Int32Value();
  return client_->RunBlocking<rd_kafka_resp_err_t>(
      info.Env(), Value(), "ironkafka.flush", [timeout](rd_kafka_t* rk) { return rd_kafka_flush(rk, timeout); },
      [](Napi::Env env, rd_kafka_resp_err_t& err) -> Napi::Value { return Napi::Number::New(env, err); });
}

// The transactional calls. Each blocking one runs on the promise worker for at most the
// timeout lib/ gives it (lib/ slices longer waits: librdkafka resumes a transactional call
// that timed out when it is called again) and resolves with null or the KafkaError, whose
// fatal / retriable / abortable flags are librdkafka's classification. lib/ decides.
namespace {
using SharedError = std::shared_ptr<rd_kafka_error_t>;
SharedError Share(rd_kafka_error_t* e) { return SharedError(e, [](rd_kafka_error_t* x) { if (x) rd_kafka_error_destroy(x); }); }
}  // namespace

Napi::Value Producer::TxnCall(const Napi::CallbackInfo& info, const char* name,
                              std::function<rd_kafka_error_t*(rd_kafka_t*)> call) {
  const ErrorFactory& errors = client_->errors();
  return client_->RunBlocking<SharedError>(
      info.Env(), Value(), name, [call = std::move(call)](rd_kafka_t* rk) { return Share(call(rk)); },
      [&errors](Napi::Env env, SharedError& e) -> Napi::Value {
        if (!e) return env.Null();
        return errors.Make(env, e.get()).Value();
      });
}

// initTransactions(timeoutMs) -> Promise<KafkaError | null>
Napi::Value Producer::InitTransactions(const Napi::CallbackInfo& info) {
  const int timeout = info[0].As<Napi::Number>().Int32Value();
  return TxnCall(info, "ironkafka.initTransactions", [timeout](rd_kafka_t* rk) { return rd_kafka_init_transactions(rk, timeout); });
}

// beginTransaction() -> KafkaError | null (librdkafka does not block here)
Napi::Value Producer::BeginTransaction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SharedError e = Share(rd_kafka_begin_transaction(client_->Handle(env)));
  if (!e) return env.Null();
  return client_->errors().Make(env, e.get()).Value();
}

Napi::Value Producer::CommitTransaction(const Napi::CallbackInfo& info) {
  const int timeout = info[0].As<Napi::Number>().Int32Value();
  return TxnCall(info, "ironkafka.commitTransaction", [timeout](rd_kafka_t* rk) { return rd_kafka_commit_transaction(rk, timeout); });
}

Napi::Value Producer::AbortTransaction(const Napi::CallbackInfo& info) {
  const int timeout = info[0].As<Napi::Number>().Int32Value();
  return TxnCall(info, "ironkafka.abortTransaction", [timeout](rd_kafka_t* rk) { return rd_kafka_abort_transaction(rk, timeout); });
}

// sendOffsetsToTransaction(offsets: [topic, partition, offset, ...], groupId, timeoutMs)
Napi::Value Producer::SendOffsetsToTransaction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "offsets must be an array");
  auto flat = info[0].As<Napi::Array>();
  if (flat.Length() % 3 != 0) throw Napi::TypeError::New(env, "offsets must be [topic, partition, offset] triples");
  // Built here, on the JS thread; moved into the worker, which owns and destroys them.
  auto list = std::shared_ptr<rd_kafka_topic_partition_list_t>(rd_kafka_topic_partition_list_new(static_cast<int>(flat.Length() / 3)),
                                                               rd_kafka_topic_partition_list_destroy);
  for (uint32_t i = 0; i < flat.Length(); i += 3) {
    std::string topic = RequireString(flat.Get(i), "offsets topic");
    auto* tp = rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), flat.Get(i + 1).As<Napi::Number>().Int32Value());
    tp->offset = flat.Get(i + 2).As<Napi::Number>().Int64Value();
  }
  std::string group = RequireString(info[1], "group id");
  auto metadata = std::shared_ptr<rd_kafka_consumer_group_metadata_t>(rd_kafka_consumer_group_metadata_new(group.c_str()),
                                                                      rd_kafka_consumer_group_metadata_destroy);
  const int timeout = info[2].As<Napi::Number>().Int32Value();
  return TxnCall(info, "ironkafka.sendOffsetsToTransaction", [list, metadata, timeout](rd_kafka_t* rk) {
    return rd_kafka_send_offsets_to_transaction(rk, list.get(), metadata.get(), timeout);
  });
}

Napi::Value Producer::Metadata(const Napi::CallbackInfo& info) {
  return client_->Metadata(info.Env(), Value(), info[0].As<Napi::Number>().Int32Value());
}

// purge(flags) -> error code. Always non-blocking: the purged messages' reports arrive
// through the queue like any other.
Napi::Value Producer::Purge(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = client_->Handle(info.Env());
  int flags = info[0].As<Napi::Number>().Int32Value() | RD_KAFKA_PURGE_F_NON_BLOCKING;
  return Napi::Number::New(info.Env(), rd_kafka_purge(rk, flags));
}

// close() -> Promise<void>. lib/ calls it once every send has settled (or been purged).
Napi::Value Producer::Close(const Napi::CallbackInfo& info) { return client_->Close(info.Env(), Value()); }

Napi::Value Producer::Ref(const Napi::CallbackInfo& info) {
  client_->Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Producer::Unref(const Napi::CallbackInfo& info) {
  client_->Unref(info.Env());
  return info.Env().Undefined();
}

Napi::Value Producer::OutqLen(const Napi::CallbackInfo& info) {
  rd_kafka_t* rk = client_->rk();
  return Napi::Number::New(info.Env(), rk ? rd_kafka_outq_len(rk) : 0);
}

Napi::Value Producer::FatalError(const Napi::CallbackInfo& info) { return client_->FatalError(info.Env()); }

Napi::Value Producer::BrokerStateCounts(const Napi::CallbackInfo& info) { return client_->BrokerStateCounts(info.Env()); }

Napi::Value Producer::SetToken(const Napi::CallbackInfo& info) { return client_->SetToken(info); }

Napi::Value Producer::SetTokenFailure(const Napi::CallbackInfo& info) { return client_->SetTokenFailure(info); }

Napi::Value Producer::SetCredentials(const Napi::CallbackInfo& info) { return client_->SetCredentials(info); }

}  // namespace ironkafka
