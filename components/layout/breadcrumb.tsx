import Link from "next/link";

/** Where a page sits: links up to its parents, then the page itself (aria-current). */
export function Breadcrumb({ trail, current }: { trail: Array<{ href: string; label: string }>; current: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      <ol className="flex flex-wrap gap-1 text-slate-600">
        {trail.map((item) => (
          <li key={item.href} className="after:ml-1 after:content-['/']">
            <Link href={item.href} className="text-blue-700 underline">
              {item.label}
            </Link>
          </li>
        ))}
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}
