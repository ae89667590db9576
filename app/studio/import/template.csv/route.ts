import { importTemplate } from '@/lib/studio/bulk-import';

export function GET(): Response {
  return new Response(importTemplate(), { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="di-san-mau-nhap.csv"' } });
}
