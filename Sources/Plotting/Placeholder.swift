// Plotting: SVG and ASCII figures (being written).
