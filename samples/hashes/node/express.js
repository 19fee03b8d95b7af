// routes/billing.js: app.get("/billing", requireLogin, require("./routes/billing"));
const { portalAttributes } = require("./portal-hash");

module.exports = function billing(req, res) {
  // billing.ejs: <invoice-portal edge="https://billing.example.com"
  //     email="<%= portal.email %>" hash="<%= portal.hash %>" expires="<%= portal.expires %>">
  res.render("billing", { portal: portalAttributes(req.user.email) });
};
