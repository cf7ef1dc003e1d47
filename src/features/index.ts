// Public entry of features/: find a guest's features, plan and apply them idempotently in the guest.
export { manifestSchema, parseManifest, type FeatureManifest, type FeatureHealthCheck } from './manifest.js';
export {
  APPLICATION_SCRIPT,
  builtinFeaturesDir,
  builtinInputKeys,
  FeatureRegistry,
  packageRoot,
  resolveGuestFeatures,
  type GuestFeatureRequest,
  type ResolvedFeature,
} from './registry.js';
export { canonicalJson, renderInputsFile, selectInputs, type Inputs } from './inputs.js';
export { markerPath, MARKER_DIR, RUN_DIR, type ChangeReason, type FeatureMarker } from './marker.js';
export {
  applyFeature,
  guestLabel,
  planFeature,
  type FeaturePlan,
  type FeatureResult,
  type FeatureRunOptions,
  type GuestRef,
} from './runner.js';
