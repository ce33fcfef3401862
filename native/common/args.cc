#include "args.h"

namespace ironkafka {

std::string RequireString(const Napi::Value& v, const char* what) {
  if (!v.IsString()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

Napi::Float64Array RequireFloat64Array(const Napi::Value& v, const char* what, size_t minLength) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      v.As<Napi::Float64Array>().ElementLength() < minLength) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float64Array of at least " +
                                            std::to_string(minLength) + " elements");
  }
  return v.As<Napi::Float64Array>();
}

std::vector<std::pair<std::string, std::string>> RequireStringPairs(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of strings");
  auto list = v.As<Napi::Array>();
  if (list.Length() % 2) throw Napi::TypeError::New(v.Env(), std::string(what) + " must have an even length");
  std::vector<std::pair<std::string, std::string>> out;
  for (uint32_t i = 0; i + 1 < list.Length(); i += 2) {
    out.emplace_back(RequireString(list.Get(i), what), RequireString(list.Get(i + 1), what));
  }
  return out;
}

Napi::Object Columns(Napi::Env env, std::initializer_list<std::pair<const char*, uint32_t>> columns) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [name, index] : columns) o.Set(name, Napi::Number::New(env, index));
  return o;
}

}  // namespace ironkafka
