// The list's first page's cursor; its other pages are embed/paging.js, in the on-demand chunk.

// "Load more" needs a cursor: the proxy's, or the last invoice's id (Stripe's starting_after).
export function cursor(page) {
  const last = page.data[page.data.length - 1];
  return { hasMore: !!(page.has_more && last), cursor: page.next_cursor || (last && last.id) };
}
