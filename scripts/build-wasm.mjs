// PLACEHOLDER: replaced by the wasm-crc task.
