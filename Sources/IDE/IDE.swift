// The IDE module: filled by its issue; see ARCHITECTURE.md for its place in the layer map.
