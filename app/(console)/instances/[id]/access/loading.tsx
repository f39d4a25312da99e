// Reading every scope from APIM takes a while on a large instance: say so at once.
export { PageLoading as default } from "@/components/layout/page-loading";
