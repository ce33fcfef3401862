// Reading call arguments: only what protects memory and types. Values are never coerced
// (a wrong type is a TypeError); lib/ has validated everything else before the call.
#pragma once

#include <napi.h>

#include <string>
#include <utility>
#include <vector>

namespace ironkafka {

std::string RequireString(const Napi::Value& v, const char* what);
// A Float64Array of at least `minLength` elements.
Napi::Float64Array RequireFloat64Array(const Napi::Value& v, const char* what, size_t minLength = 0);
// A flat [name, value, name, value, ...] array of strings.
std::vector<std::pair<std::string, std::string>> RequireStringPairs(const Napi::Value& v, const char* what);
// An object of column name -> index, for the wire formats lib/ reads into named constants.
Napi::Object Columns(Napi::Env env, std::initializer_list<std::pair<const char*, uint32_t>> columns);

}  // namespace ironkafka
