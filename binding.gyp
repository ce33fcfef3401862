# node-gyp compatibility only. The addon is described once, in CMakeLists.txt; this target
# has no sources and just runs the same build entry point as everything else, which leaves
# the addon at build/Release/ironkafka.node where node-gyp would have put it.
{
  "targets": [
    {
      "target_name": "ironkafka_cmake",
      "type": "none",
      "actions": [
        {
          "action_name": "cmake_js_build",
          "inputs": ["CMakeLists.txt"],
          "outputs": ["build/Release/ironkafka.node"],
          "action": ["node", "scripts/build-native.mjs", "build", "--release"]
        }
      ]
    }
  ]
}
