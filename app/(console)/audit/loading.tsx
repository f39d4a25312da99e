// Not at the console's root: plan and deployment pages must render whole, without a streamed
// fallback, so that applying and following a deployment work without JavaScript.
export { PageLoading as default } from "@/components/layout/page-loading";
