# app/helpers/invoice_portal_helper.rb, with PortalHash in app/lib/portal_hash.rb.
module InvoicePortalHelper
  # <%= invoice_portal_tag(current_user.email, edge: "https://billing.example.com") %>
  def invoice_portal_tag(identifier, edge:)
    content_tag("invoice-portal", "", { edge: edge }.merge(PortalHash.attributes(identifier)))
  end
end
