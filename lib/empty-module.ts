/** Stand-in for Node-only packages (sharp, onnxruntime-node) in the browser bundle; never used at run time. */
const empty: Record<string, never> = {};
export default empty;
